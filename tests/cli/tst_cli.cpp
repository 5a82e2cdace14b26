// neurodx-cli end to end: the real executable, run with QProcess on generated data.
#include "TestTree.h"

#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    nlohmann::json json() const { return nlohmann::json::parse(out.toStdString()); }
};

Result runCli(const QStringList& args)
{
    const QString bin = QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR");
    QProcess process;
    process.start(bin + "/neurodx-cli", args);
    if (!process.waitForFinished(120000))
        return {};
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class CliTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void versionAndHelp();
    void badUsageExitsWithTwo_data();
    void badUsageExitsWithTwo();
    void scanJsonCountsExactly();
    void scanTextShowsTable();
    void splitJsonProvesNoSharedSubjects();
    void splitBySliceReportsLeakage();
    void splitWritesSplitJson();
    void infoJsonDescribesDicom();
    void infoJsonReportsErrors_data();
    void infoJsonReportsErrors();
    void synthJson();
    void demoRunsEndToEnd();

private:
    QTemporaryDir m_dir;
    fs::path m_dataset;
};

void CliTest::initTestCase()
{
    QVERIFY(!QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR").isEmpty());
    m_dataset = toPath(m_dir.path()) / "data";
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 3;
    options.size = 32;
    options.format = PhantomOptions::Format::Mixed;
    writeSyntheticDataset(m_dataset, options);
    // Junk an ADNI download folder really has.
    writeBytes(m_dataset / "CN/.DS_Store", "Bud1");
    writeBytes(m_dataset / "AD/notes.txt", "n/a");
    writeBytes(m_dataset / "MCI/empty.dcm", "");
    writePng(m_dataset / "Unsorted/x.png");
}

void CliTest::versionAndHelp()
{
    const Result version = runCli({"--version"});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("neurodx-cli "));
    const Result help = runCli({"--help"});
    QCOMPARE(help.exitCode, 0);
    for (const char* command : {"scan", "split", "info", "synth", "demo", "not a certified medical device"})
        QVERIFY2(help.out.contains(command), command);
    QCOMPARE(runCli({"scan", "--help"}).exitCode, 0);
}

void CliTest::badUsageExitsWithTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList{} << "Usage";
    QTest::newRow("unknown command") << QStringList{"train-everything"} << "unknown command";
    QTest::newRow("unknown option") << QStringList{"scan", ".", "--colour"} << "unknown option --colour";
    QTest::newRow("missing folder") << QStringList{"scan"} << "missing";
    QTest::newRow("no such folder") << QStringList{"scan", "/nonexistent/neurodx"} << "/nonexistent/neurodx: no such folder";
    QTest::newRow("bad mode") << QStringList{"split", ".", "--mode", "random"} << "--mode";
    QTest::newRow("bad ratios") << QStringList{"split", ".", "--ratios", "0.5,0.5"} << "three numbers";
    QTest::newRow("bad seed") << QStringList{"split", ".", "--seed", "x"} << "--seed";
    QTest::newRow("missing file") << QStringList{"info", "/nonexistent/a.dcm"} << "/nonexistent/a.dcm";
}

void CliTest::badUsageExitsWithTwo()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
}

void CliTest::scanJsonCountsExactly()
{
    const Result r = runCli({"scan", str(m_dataset), "--json"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    for (const char* c : {"CN", "MCI", "AD"}) {
        QCOMPARE(j.at("classes").at(c).at("images").get<int>(), 12);
        QCOMPARE(j.at("classes").at(c).at("subjects").get<int>(), 4);
    }
    QCOMPARE(j.at("total_images").get<int>(), 36);
    QCOMPARE(j.at("total_subjects").get<int>(), 12);
    QCOMPARE(j.at("skipped").size(), std::size_t{4}); // .DS_Store, notes.txt, empty.dcm, metadata.csv
    QCOMPARE(j.at("unassigned_folders").size(), std::size_t{1});
    QCOMPARE(j.at("unassigned_folders").at(0).at("path").get<std::string>(), std::string("Unsorted"));
    QVERIFY(r.err.isEmpty()); // no progress noise in JSON mode
}

void CliTest::scanTextShowsTable()
{
    const Result r = runCli({"scan", str(m_dataset)});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("class"));
    QVERIFY(r.out.contains("total"));
    QVERIFY(r.out.contains("Skipped 4 files"));
    QVERIFY(r.out.contains("Unsorted"));
}

void CliTest::splitJsonProvesNoSharedSubjects()
{
    const Result r = runCli({"split", str(m_dataset), "--json", "--ratios", "0.5,0.25,0.25"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    QCOMPARE(j.at("shared_subjects").get<int>(), 0);
    QCOMPARE(j.at("mode").get<std::string>(), std::string("subject"));
    int images = 0;
    for (const char* part : {"train", "validation", "test"}) {
        for (const char* c : {"CN", "MCI", "AD"}) {
            const auto& counts = j.at("counts").at(part).at("classes").at(c);
            images += counts.at("images").get<int>();
            QVERIFY(counts.at("subjects").get<int>() >= 1);
        }
    }
    QCOMPARE(images, 36);
}

void CliTest::splitBySliceReportsLeakage()
{
    const Result r = runCli({"split", str(m_dataset), "--json", "--mode", "slice"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.json().at("shared_subjects").get<int>() > 0);
}

void CliTest::splitWritesSplitJson()
{
    const fs::path output = toPath(m_dir.path()) / "split.json";
    const Result r = runCli({"split", str(m_dataset), "--output", str(output), "--seed", "7"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Subjects shared between parts: 0"));
    std::ifstream in(output);
    const nlohmann::json j = nlohmann::json::parse(in);
    QCOMPARE(j.at("seed").get<int>(), 7);
    QCOMPARE(j.at("parts").at("train").size() + j.at("parts").at("validation").size() + j.at("parts").at("test").size(), std::size_t{36});
}

void CliTest::infoJsonDescribesDicom()
{
    DicomWriteOptions options;
    options.encoding = DicomEncoding::JpegLsLossless;
    options.windowCenter = 50;
    options.windowWidth = 100;
    options.patientName = "DOE^JANE";
    options.patientId = "SECRET-ID-123";
    const fs::path file = toPath(m_dir.path()) / "slice.dcm";
    writeSmallDicom(file, options);
    const Result r = runCli({"info", str(file), "--json"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    QCOMPARE(j.at("format").get<std::string>(), std::string("dicom"));
    QCOMPARE(j.at("width").get<int>(), 8);
    QCOMPARE(j.at("height").get<int>(), 6);
    QCOMPARE(j.at("modality").get<std::string>(), std::string("MR"));
    QCOMPARE(j.at("transfer_syntax_uid").get<std::string>(), std::string("1.2.840.10008.1.2.4.80"));
    QCOMPARE(j.at("window_center").get<double>(), 50.0);
    QCOMPARE(j.at("display_window").at("source").get<std::string>(), std::string("file window"));
    // Identifiers never appear in the output.
    QVERIFY(!r.out.contains("DOE") && !r.out.contains("SECRET"));
    const Result text = runCli({"info", str(file)});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("JPEG-LS"));
}

void CliTest::infoJsonReportsErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("words");
    QTest::newRow("not an image") << QByteArray("hello") << "not an image";
    QTest::newRow("empty") << QByteArray() << "empty";
    QTest::newRow("no pixel data") << QByteArray::fromStdString(dicomWithoutPixelData("SR")) << "no pixel data";
}

void CliTest::infoJsonReportsErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, words);
    const fs::path file = toPath(m_dir.path()) / "bad.dcm";
    writeBytes(file, content.toStdString());
    const Result r = runCli({"info", str(file), "--json"});
    QCOMPARE(r.exitCode, 2);
    const nlohmann::json j = r.json();
    QVERIFY(QString::fromStdString(j.at("error").get<std::string>()).contains(words));
    QVERIFY(QString::fromStdString(j.at("error").get<std::string>()).contains("bad.dcm"));
    QVERIFY(r.err.contains("bad.dcm"));
}

void CliTest::synthJson()
{
    const fs::path out = toPath(m_dir.path()) / "synth";
    const Result r = runCli({"synth", str(out), "--json", "--subjects-per-class", "2", "--slices", "2", "--size", "32"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json().at("images").get<int>(), 12);
    QVERIFY(fs::exists(out / "metadata.csv"));
    QCOMPARE(runCli({"synth", str(out), "--size", "5"}).exitCode, 2);
}

void CliTest::demoRunsEndToEnd()
{
    const fs::path out = toPath(m_dir.path()) / "demo";
    const Result r = runCli({"demo", "--output", str(out), "--subjects-per-class", "6", "--slices", "4", "--size", "32"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Subjects shared between parts: 0"));
    QVERIFY(r.out.contains("not a certified medical device"));
    QVERIFY(fs::exists(out / "split.json"));
}

QTEST_APPLESS_MAIN(CliTest)
#include "tst_cli.moc"
