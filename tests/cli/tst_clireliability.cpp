// What a careless user or a full disk does to neurodx-cli, and what it must answer: a clear
// message naming the file, the right exit code, nothing lost, no library text or stack trace
// without a sentence of ours, valid UTF-8 in every output whatever bytes the files hold.
#include "CliProcess.h"
#include "TestTree.h"

#include "common/TextUtil.h"
#include "imaging/DicomWriter.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

QByteArray sha(const fs::path& file)
{
    QFile f(str(file));
    return f.open(QIODevice::ReadOnly) ? QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256) : QByteArray();
}

bool noLibraryNoise(const QByteArray& text)
{
    return !text.contains("[json.exception") && !text.contains("Exception raised from") && !text.contains("frame #") &&
           !text.contains("terminate called");
}

const QStringList kTinyTraining{"--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--image-size", "32",
                                "--batch-size", "8", "--ratios", "0.5,0.25,0.25", "--quiet"};

} // namespace

class CliReliabilityTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void fullDiskEndsCleanlyAndKeepsTheCheckpoints();
    void damagedRunFilesAreNamed_data();
    void damagedRunFilesAreNamed();
    void oneClassIsRefused_data();
    void oneClassIsRefused();
    void invalidUtf8NeverBreaksAnOutput_data();
    void invalidUtf8NeverBreaksAnOutput();
    void infoTakesQuiet();
    void patientIdPseudonymsAreKeyedAndStable();
    void cleanupTestCase();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    fs::path freshRunCopy(const std::string& name) const;
    QTemporaryDir m_dir;
};

void CliReliabilityTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QCOMPARE(runCli({"synth", str(dir() / "data"), "--subjects-per-class", "4", "--slices", "3", "--size", "32", "--quiet"}).exitCode, 0);
    const CliResult train = runCli(QStringList{"train", str(dir() / "data"), "--epochs", "2", "--output", str(dir() / "run")} + kTinyTraining);
    QVERIFY2(train.exitCode == 0, train.err.constData());

    // One class only: MCI and AD folders missing.
    fs::create_directories(dir() / "oneclass");
    fs::copy(dir() / "data" / "CN", dir() / "oneclass" / "CN", fs::copy_options::recursive);

    // File names and DICOM values that are not UTF-8.
    fs::copy(dir() / "data", dir() / "odd", fs::copy_options::recursive);
    writePng(dir() / "odd" / "CN" / "bad\xff\xfe name.png", 3, 32);
    DicomWriteOptions dicom;
    dicom.modality = "M\xffR";
    dicom.seriesDescription = "S\xe9rie";
    writeSmallDicom(dir() / "odd" / "AD" / "odd_modality.dcm", dicom);
    writeBytes(dir() / "odd" / "CN" / "broken\xff.png", std::string("\x89PNG\r\n\x1a\n", 8) + "not really a PNG");
}

fs::path CliReliabilityTest::freshRunCopy(const std::string& name) const
{
    const fs::path copy = dir() / ("run-" + name);
    fs::remove_all(copy);
    fs::copy(dir() / "run", copy, fs::copy_options::recursive);
    return copy;
}

void CliReliabilityTest::fullDiskEndsCleanlyAndKeepsTheCheckpoints()
{
    // A file size limit makes every write past 64 KiB fail, as a full disk does (EFBIG instead of
    // ENOSPC; the same failed-stream path). SIGXFSZ is ignored so the write fails instead of killing.
    // A model whose checkpoints (about 1 MB) exceed the limit from the first epoch on.
    const CliResult r = runProgram("/bin/bash", {"-c", "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"", cliProgram(), "train", str(dir() / "data"), "--output",
                                       str(dir() / "bigrun"), "--model", "cnn", "--filters1", "4", "--filters2", "8", "--units", "64",
                                       "--image-size", "64", "--epochs", "1", "--batch-size", "8", "--quiet"});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(".pt") && r.err.contains("cannot be written"), r.err.constData());
    QVERIFY2(r.err.contains("File too large") || r.err.contains("No space left"), r.err.constData());
    QVERIFY2(noLibraryNoise(r.err), r.err.constData());
    for (const auto& entry : fs::directory_iterator(dir() / "bigrun"))
        QVERIFY2(entry.path().extension() != ".part", entry.path().c_str());

    // A run whose earlier checkpoints exist keeps them when the next write fails.
    const fs::path runFolder = freshRunCopy("full");
    const QByteArray bestBefore = sha(runFolder / "best.pt");
    const CliResult resumed = runProgram("/bin/bash", {"-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"", cliProgram(), "train", str(dir() / "data"),
                                             "--resume", "--epochs", "4", "--output", str(runFolder), "--quiet"});
    QCOMPARE(resumed.exitCode, 1);
    QVERIFY2(noLibraryNoise(resumed.err), resumed.err.constData());
    QCOMPARE(sha(runFolder / "best.pt"), bestBefore);
    for (const auto& entry : fs::directory_iterator(runFolder))
        QVERIFY2(entry.path().extension() != ".part", entry.path().c_str());
}

void CliReliabilityTest::damagedRunFilesAreNamed_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("command"); // "resume" or "evaluate"
    QTest::addColumn<QString>("file");    // named in the message
    QTest::addColumn<QString>("words");   // what the message must say
    QTest::newRow("history: garbage cell") << "history-garbage" << "resume" << "history.csv" << "not a number";
    QTest::newRow("history: future epoch") << "history-future" << "resume" << "history.csv" << "where epoch 2 was expected";
    QTest::newRow("history: truncated") << "history-truncated" << "resume" << "history.csv" << "but last.pt was written after epoch 2";
    QTest::newRow("history: cut mid-line") << "history-cut" << "resume" << "history.csv" << "cut short";
    QTest::newRow("optimizer: garbage") << "optimizer-garbage" << "resume" << "last_optimizer.pt" << "optimizer state cannot be read";
    QTest::newRow("last.pt: garbage") << "last-garbage" << "resume" << "last.pt" << "not a NeuroDx model file";
    QTest::newRow("config: empty object") << "config-empty" << "resume" << "config.json" << "no \"training\" section";
    QTest::newRow("config: not JSON") << "config-text" << "resume" << "config.json" << "not valid JSON";
    QTest::newRow("split: missing") << "split-missing" << "evaluate" << "split.json" << "is missing";
    QTest::newRow("split: damaged") << "split-damaged" << "evaluate" << "split.json" << "make a new split";
}

void CliReliabilityTest::damagedRunFilesAreNamed()
{
    QFETCH(QString, damage);
    QFETCH(QString, command);
    QFETCH(QString, file);
    QFETCH(QString, words);
    const fs::path runFolder = freshRunCopy(damage.toStdString());
    const auto replace = [](const fs::path& target, const std::string& content) { std::ofstream(target, std::ios::binary | std::ios::trunc) << content; };
    std::ifstream historyIn(runFolder / "history.csv");
    std::vector<std::string> lines;
    for (std::string line; std::getline(historyIn, line);)
        lines.push_back(line);
    historyIn.close();
    QCOMPARE(lines.size(), std::size_t{3}); // header + 2 epochs
    if (damage == "history-garbage") {
        lines[2] = lines[2].substr(0, lines[2].rfind(',')) + ",5(nan)";
        replace(runFolder / "history.csv", lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n");
    } else if (damage == "history-future") {
        lines[2] = "7" + lines[2].substr(lines[2].find(','));
        replace(runFolder / "history.csv", lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n");
    } else if (damage == "history-truncated") {
        replace(runFolder / "history.csv", lines[0] + "\n" + lines[1] + "\n");
    } else if (damage == "history-cut") {
        replace(runFolder / "history.csv", lines[0] + "\n" + lines[1] + "\n" + lines[2].substr(0, 6));
    } else if (damage == "optimizer-garbage") {
        replace(runFolder / "last_optimizer.pt", std::string(4096, 'x'));
    } else if (damage == "last-garbage") {
        replace(runFolder / "last.pt", "PK\x03\x04 not a model");
    } else if (damage == "config-empty") {
        replace(runFolder / "config.json", "{}");
    } else if (damage == "config-text") {
        replace(runFolder / "config.json", "epochs = 2");
    } else if (damage == "split-missing") {
        fs::remove(runFolder / "split.json");
    } else if (damage == "split-damaged") {
        replace(runFolder / "split.json", "{\"mode\": \"subject\"}");
    }
    const CliResult r = command == "resume"
                         ? runCli({"train", str(dir() / "data"), "--resume", "--epochs", "3", "--output", str(runFolder), "--quiet"})
                         : runCli({"evaluate", str(runFolder / "best.pt"), str(runFolder), "--quiet"});
    QVERIFY2(r.exitCode == 1 || r.exitCode == 2, qPrintable(QString::number(r.exitCode) + ": " + r.err));
    QVERIFY2(r.err.contains(file.toUtf8()) && r.err.contains(words.toUtf8()), r.err.constData());
    QVERIFY2(noLibraryNoise(r.err), r.err.constData());
}

void CliReliabilityTest::oneClassIsRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("train") << QStringList{"train", "--epochs", "1"};
    QTest::newRow("audit") << QStringList{"audit", "--epochs", "1"};
    QTest::newRow("tune") << QStringList{"tune", "--max-epochs", "1", "--strategy", "random", "--max-trials", "1"};
    QTest::newRow("cv") << QStringList{"cv", "--folds", "3", "--epochs", "1"};
}

void CliReliabilityTest::oneClassIsRefused()
{
    QFETCH(QStringList, args);
    QStringList full{args.front(), str(dir() / "oneclass")};
    full += args.mid(1);
    full += {"--output", str(dir() / ("oneclass-" + args.front().toStdString()))};
    full += kTinyTraining;
    full.removeAll("--ratios");
    full.removeAll("0.5,0.25,0.25");
    const CliResult r = runCli(full);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("only CN has images") && r.err.contains("at least two classes"), r.err.constData());
    const CliResult scan = runCli({"scan", str(dir() / "oneclass")});
    QCOMPARE(scan.exitCode, 0);
    QVERIFY2(scan.out.contains("fewer than two classes have images"), scan.out.constData());
}

void CliReliabilityTest::invalidUtf8NeverBreaksAnOutput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("json");
    QTest::newRow("scan --json") << QStringList{"scan", "{odd}", "--json", "--entries"} << true;
    QTest::newRow("scan table") << QStringList{"scan", "{odd}"} << false;
    QTest::newRow("info --json") << QStringList{"info", "{odd}/AD/odd_modality.dcm", "--json"} << true;
    QTest::newRow("predict csv") << QStringList{"predict", "{run}/best.pt", "{odd}/CN", "--format", "csv"} << false;
    QTest::newRow("predict table") << QStringList{"predict", "{run}/best.pt", "{odd}/CN"} << false;
    QTest::newRow("predict json") << QStringList{"predict", "{run}/best.pt", "{odd}/CN", "--json"} << true;
}

void CliReliabilityTest::invalidUtf8NeverBreaksAnOutput()
{
    QFETCH(QStringList, args);
    QFETCH(bool, json);
    for (QString& a : args)
        a.replace("{odd}", str(dir() / "odd")).replace("{run}", str(dir() / "run"));
    const CliResult r = runCli(args);
    // predict exits 1: broken\xff.png cannot be decoded, and stderr names it.
    QVERIFY2(r.exitCode == (args.front() == "predict" ? 1 : 0), r.err.constData());
    QVERIFY2(isValidUtf8(r.out.toStdString()), r.out.left(300).constData());
    QVERIFY2(isValidUtf8(r.err.toStdString()), r.err.left(300).constData());
    if (json) {
        const nlohmann::json parsed = nlohmann::json::parse(r.out.toStdString(), nullptr, false);
        QVERIFY2(!parsed.is_discarded(), r.out.left(300).constData());
    }
    if (args.front() == "scan" && json)
        QVERIFY(r.out.contains("\xEF\xBF\xBD name.png")); // the odd file is listed, with U+FFFD for its bad bytes
    if (args.front() == "predict")
        QVERIFY2(r.err.contains("broken\xEF\xBF\xBD.png"), r.err.constData());
    if (args.front() == "info")
        QVERIFY2(r.out.contains("M\xEF\xBF\xBDR"), r.out.constData());
    if (args.contains("csv"))
        QVERIFY(r.out.contains("\xEF\xBF\xBD name.png"));
}

void CliReliabilityTest::infoTakesQuiet()
{
    const CliResult r = runCli({"info", str(dir() / "odd" / "AD" / "odd_modality.dcm"), "--quiet"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
}

void CliReliabilityTest::patientIdPseudonymsAreKeyedAndStable()
{
    // Hospital-style PatientIDs (not ADNI PTIDs): short numbers anyone could enumerate.
    const fs::path data = dir() / "hospital";
    const char* ids[] = {"1234567", "7654321", "HOSP-000123"};
    fs::create_directories(data / "CN");
    fs::create_directories(data / "AD");
    for (int i = 0; i < 6; ++i) {
        DicomWriteOptions dicom;
        dicom.patientId = ids[i % 3];
        dicom.uidSeed = static_cast<std::uint64_t>(i + 1);
        writeSmallDicom(data / (i % 2 ? "AD" : "CN") / ("slice" + std::to_string(i) + ".dcm"), dicom, i);
    }
    const auto subjects = [&](const fs::path& keyFile, QByteArray* output) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("NEURODX_PSEUDONYM_KEY", str(keyFile));
        const CliResult r = runProgram(cliProgram(), {"scan", str(data), "--json", "--entries"}, environment);
        *output = r.out + r.err;
        std::map<std::string, std::string> byPath;
        const nlohmann::json scan = nlohmann::json::parse(r.out.toStdString()); // kept alive through the loop
        for (const auto& e : scan.at("entries"))
            byPath[e["path"].get<std::string>()] = e["subject"].get<std::string>();
        return byPath;
    };
    QByteArray first, second, other;
    const auto a = subjects(dir() / "keys" / "a.key", &first);
    const auto again = subjects(dir() / "keys" / "a.key", &second);
    const auto b = subjects(dir() / "keys" / "b.key", &other);
    QVERIFY2(a.size() == 6, first.constData());
    QVERIFY(a == again); // the same installation (key) gives the same pseudonyms run after run
    for (const auto& [path, subject] : a) {
        QVERIFY2(subject.rfind("pid-", 0) == 0 && subject.size() == 20, subject.c_str());
        QVERIFY(b.at(path) != subject); // another key, other pseudonyms: they cannot be recomputed without it
    }
    for (const char* id : ids)
        QVERIFY2(!first.contains(id) && !other.contains(id), id); // the ids themselves never appear
    const auto permissions = fs::status(dir() / "keys" / "a.key").permissions();
    QCOMPARE(permissions & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
    QCOMPARE(fs::file_size(dir() / "keys" / "a.key"), std::uintmax_t{32});
}

void CliReliabilityTest::cleanupTestCase()
{
    // QTemporaryDir cannot remove file names that are not UTF-8; std::filesystem takes any bytes.
    std::error_code ec;
    fs::remove_all(dir(), ec);
}

QTEST_GUILESS_MAIN(CliReliabilityTest)
#include "tst_clireliability.moc"
