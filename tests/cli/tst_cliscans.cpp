// neurodx-cli with 3D scans: synth --scans, import (table first, resume, JSON), training on the
// import, predict on a series folder and a NIfTI file with one verdict per scan.
#include "CliProcess.h"
#include "TestTree.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class CliScansTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void importShowsTheScansThenWritesThem();
    void importDryRunWritesNothing();
    void importRefusesBadOptions_data();
    void importRefusesBadOptions();
    void scanWarnsAboutWholeSeriesCountedAsSlices();
    void predictGivesOneVerdictPerScan();
    void predictPerSliceRowsAndCsv();

private:
    bool synthesise();
    bool importAndTrain();
    fs::path dir() const { return toPath(m_dir.path()); }
    QTemporaryDir m_dir;
    nlohmann::json m_download;
};

bool CliScansTest::synthesise()
{
    const CliResult r = runCli({"synth", str(dir() / "ida"), "--scans", "--subjects-per-class", "4", "--visits", "1", "--size", "40", "--slices",
                             "36", "--nifti-fraction", "0.25", "--difficulty", "0.1", "--json"});
    if (r.exitCode != 0) {
        qWarning("synth failed: %s", r.err.constData());
        return false;
    }
    m_download = r.json();
    return true;
}

void CliScansTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(synthesise());
}

void CliScansTest::importShowsTheScansThenWritesThem()
{
    const fs::path csv = dir() / "ida" / "Synthetic_ADNI_MPRAGE_collection.csv";
    const fs::path out = dir() / "imported-here"; // its own: importAndTrain() may have filled "imported"
    const CliResult r = runCli({"import", str(dir() / "ida"), str(out), "--metadata", str(csv), "--slices", "central:8"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString text = QString::fromUtf8(r.out);
    QVERIFY2(text.contains("SMC is not one of the classes"), qPrintable(text));
    QVERIFY2(text.contains("12 to import"), qPrintable(text));
    QVERIFY2(text.contains("Imported 12 scan(s), 96 slices"), qPrintable(text));
    QVERIFY(fs::exists(out / "manifest.csv"));

    const CliResult again = runCli({"import", str(dir() / "ida"), str(out), "--metadata", str(csv), "--slices", "central:8", "--json"});
    QVERIFY2(again.exitCode == 0, again.err.constData());
    const nlohmann::json j = again.json();
    QCOMPARE(j["to_import"].get<int>(), 0);
    QCOMPARE(j["imported_before"].get<int>(), 12);
    QCOMPARE(j["result"]["slices_written"].get<int>(), 0);
    QCOMPARE(j["result"]["slices_in_manifest"].get<int>(), 96);

    const CliResult scan = runCli({"scan", str(out), "--json"});
    QVERIFY2(scan.exitCode == 0, scan.err.constData());
    const nlohmann::json index = scan.json();
    int images = 0;
    for (const auto& c : index["classes"])
        images += c["images"].get<int>();
    QCOMPARE(images, 96);
    QVERIFY2(index["skipped"].empty(), index["skipped"].dump().c_str());
}

void CliScansTest::importDryRunWritesNothing()
{
    const CliResult r = runCli({"import", str(dir() / "ida"), str(dir() / "dry"), "--dry-run", "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(!fs::exists(dir() / "dry"));
    const nlohmann::json j = r.json();
    QCOMPARE(j["scans"].size(), m_download["scans"].size());
    // No CSV: the class cannot be known from an IDA tree's folders, and the table says so.
    QCOMPARE(j["to_import"].get<int>(), 0);
    QVERIFY(QString::fromStdString(j["scans"][0]["skipped"].get<std::string>()).contains("--metadata"));
}

void CliScansTest::importRefusesBadOptions_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("message");
    QTest::newRow("plane") << QStringList{"--plane", "oblique"} << "axial, coronal or sagittal";
    QTest::newRow("slices") << QStringList{"--slices", "middle"} << "central:N";
    QTest::newRow("range") << QStringList{"--slices", "range:9-3"} << "ends before it starts";
}

void CliScansTest::importRefusesBadOptions()
{
    QFETCH(QStringList, options);
    QFETCH(QString, message);
    const CliResult r = runCli(QStringList{"import", str(dir() / "ida"), str(dir() / "bad")} + options);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    QVERIFY(!fs::exists(dir() / "bad"));
}

void CliScansTest::scanWarnsAboutWholeSeriesCountedAsSlices()
{
    // An IDA tree sorted into class folders by hand, as users do before they know about import.
    const fs::path sorted = dir() / "sorted" / "CN";
    fs::create_directories(sorted);
    const std::string first = m_download["scans"][0]["path"].get<std::string>();
    fs::copy(first, sorted / fs::path(first).filename(), fs::copy_options::recursive);
    const CliResult r = runCli({"scan", str(dir() / "sorted")});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(QString::fromUtf8(r.out).contains("whole 3D series"), r.out.constData());
}

bool CliScansTest::importAndTrain()
{
    if (fs::exists(dir() / "run" / "best.pt"))
        return true;
    const fs::path csv = dir() / "ida" / "Synthetic_ADNI_MPRAGE_collection.csv";
    if (!fs::exists(dir() / "imported" / "import.json") &&
        runCli({"import", str(dir() / "ida"), str(dir() / "imported"), "--metadata", str(csv), "--slices", "central:8"}).exitCode != 0)
        return false;
    const CliResult train = runCli({"train", str(dir() / "imported"), "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8",
                                 "--image-size", "32", "--epochs", "2", "--batch-size", "16", "--ratios", "0.5,0.25,0.25", "--output",
                                 str(dir() / "run"), "--quiet"});
    if (train.exitCode != 0)
        qWarning("train failed: %s", train.err.constData());
    return train.exitCode == 0;
}

void CliScansTest::predictGivesOneVerdictPerScan()
{
    QVERIFY(importAndTrain());
    std::string series, nifti;
    for (const auto& scan : m_download["scans"]) {
        (scan["kind"] == "NIfTI" ? nifti : series) = scan["path"].get<std::string>();
    }
    QVERIFY(!series.empty() && !nifti.empty());
    const CliResult r = runCli({"predict", str(dir() / "run" / "best.pt"), QString::fromStdString(series), QString::fromStdString(nifti), "--json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const nlohmann::json j = r.json();
    QCOMPARE(j["scans"].size(), std::size_t{2});
    QCOMPARE(j["predictions"].size(), std::size_t{0}); // the series' files are a scan, not slices
    for (const auto& scan : j["scans"]) {
        QCOMPARE(scan["slices_used"].get<int>(), 8); // the range the model was trained on
        QVERIFY(scan["slice_selection_from_model"].get<bool>());
        double sum = 0;
        for (const auto& [name, p] : scan["probabilities"].items())
            sum += p.get<double>();
        QVERIFY(std::abs(sum - 1.0) < 1e-6);
        QCOMPARE(scan["confidence"].get<double>(), scan["probabilities"][scan["prediction"].get<std::string>()].get<double>());
    }
    const CliResult table = runCli({"predict", str(dir() / "run" / "best.pt"), QString::fromStdString(nifti)});
    QVERIFY2(table.exitCode == 0, table.err.constData());
    QVERIFY2(QString::fromUtf8(table.out).contains("verdict") && QString::fromUtf8(table.out).contains("Research use only"), table.out.constData());
}

void CliScansTest::predictPerSliceRowsAndCsv()
{
    QVERIFY(importAndTrain());
    std::string nifti;
    for (const auto& scan : m_download["scans"])
        if (scan["kind"] == "NIfTI")
            nifti = scan["path"].get<std::string>();
    const CliResult r = runCli({"predict", str(dir() / "run" / "best.pt"), QString::fromStdString(nifti), "--per-slice", "--format", "csv",
                             "--slices", "central:5"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QStringList lines = QString::fromUtf8(r.out).trimmed().split('\n');
    QCOMPARE(lines.size(), 6); // header + the 5 requested slices
    QVERIFY(lines.front().startsWith("scan,slice_index,position_mm,predicted,p_CN"));
    const CliResult mixed = runCli({"predict", str(dir() / "run" / "best.pt"), QString::fromStdString(nifti),
                                 str(dir() / "imported" / "CN"), "--format", "csv"});
    QCOMPARE(mixed.exitCode, 2);
    QVERIFY2(QString::fromUtf8(mixed.err).contains("either slices or scans"), mixed.err.constData());
}

QTEST_GUILESS_MAIN(CliScansTest)
#include "tst_cliscans.moc"
