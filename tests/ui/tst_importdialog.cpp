// File > Import Scans, offscreen, on a synthetic ADNI download written at test time: finding lists
// exactly the scans written (SMC ones as skipped, with the reason) and writes nothing; importing
// writes the slices the plan implies and asks for the Dataset page; cancelling leaves no scan half
// written; the folders are remembered; the main window opens the result.
#include "IsolatedSettings.h"
#include "RunsLocation.h"
#include "DatasetPage.h"
#include "ImportDialog.h"
#include "MainWindow.h"
#include "TestTree.h"

#include "synthetic/AdniDownload.h"
#include "volume/ScanFinder.h"

#include <QProgressBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include <map>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p)
{
    return QString::fromStdString(p.string());
}

AdniDownloadOptions smallDownload()
{
    AdniDownloadOptions o;
    o.subjectsPerClass = 2;
    o.smcSubjects = 1;
    o.visits = 2;
    o.inPlaneVoxels = 32;
    o.slices = 32;
    o.niftiFraction = 0.25;
    o.axialFraction = 0.5;
    return o;
}

// PNG files below `folder`, counted per scan (the image id in their name: ..._I123_a016.png).
std::map<std::string, int> pngsPerScan(const fs::path& folder)
{
    std::map<std::string, int> counts;
    if (!fs::exists(folder))
        return counts;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.path().extension() == ".png") {
            const std::string name = entry.path().stem().string();
            const auto end = name.rfind('_');
            const auto start = name.rfind('_', end - 1);
            ++counts[name.substr(start + 1, end - start - 1)];
        }
    return counts;
}

// What the plan implies: the slices of each scan to import, by its key (as the file names carry it).
std::map<std::string, int> slicesPlanned(const ImportPlan& plan)
{
    std::map<std::string, int> slices;
    for (const PlannedScan& scan : plan.scans)
        if (scan.willImport())
            slices[scan.key] = static_cast<int>(selectSlices(loadScan(scan.source), plan.options.slices).size());
    return slices;
}

int total(const std::map<std::string, int>& counts)
{
    int sum = 0;
    for (const auto& [key, n] : counts)
        sum += n;
    return sum;
}

bool findAndWait(ImportDialog& dialog)
{
    QSignalSpy planned(&dialog, &ImportDialog::planned);
    QSignalSpy failed(&dialog, &ImportDialog::failed);
    dialog.findScans();
    if (planned.wait(60000))
        return true;
    qWarning("%s", failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
    return false;
}

bool importAndWait(ImportDialog& dialog)
{
    QSignalSpy imported(&dialog, &ImportDialog::imported);
    QSignalSpy failed(&dialog, &ImportDialog::failed);
    dialog.startImport();
    if (imported.wait(60000))
        return true;
    qWarning("%s", failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
    return false;
}

} // namespace

class ImportDialogTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void findingListsTheScansAndWritesNothing();
    void importWritesWhatThePlanSays_data();
    void importWritesWhatThePlanSays();
    void cancelLeavesNoScanHalfWritten();
    void foldersAreRemembered();
    void theMainWindowOpensTheResult();

private:
    QTemporaryDir m_dir;
    std::optional<IsolatedSettings> m_settings; // per test function (init, cleanup)
    fs::path m_root;
    AdniDownloadSummary m_download;
};

void ImportDialogTest::initTestCase()
{
    m_root = toPath(m_dir.path());
    m_download = writeSyntheticAdniDownload(m_root / "download", smallDownload());
}

void ImportDialogTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void ImportDialogTest::cleanup()
{
    m_settings.reset();
}

void ImportDialogTest::findingListsTheScansAndWritesNothing()
{
    ImportDialog dialog;
    dialog.setSource(str(m_root / "download"));
    dialog.setMetadataCsv(str(m_download.csvPath));
    dialog.setOutput(str(m_root / "not-written"));
    QVERIFY(findAndWait(dialog));
    QTableWidget* table = dialog.table();
    QCOMPARE(table->rowCount(), int(m_download.scans.size()));
    int skipped = 0;
    for (const AdniScan& scan : m_download.scans) {
        const auto rows = table->findItems(QStringLiteral("I%1").arg(scan.imageId), Qt::MatchExactly);
        QCOMPARE(rows.size(), 1);
        const int row = rows.first()->row();
        QCOMPARE(table->item(row, ImportDialog::Subject)->text(), QString::fromStdString(scan.subject));
        QVERIFY(table->item(row, ImportDialog::Visit)->text().startsWith(QString::fromStdString(scan.visit)));
        QVERIFY(table->item(row, ImportDialog::Series)->text().contains(scan.kind == "DICOM" ? "(DICOM)" : "(NIfTI)"));
        if (scan.kind == "DICOM")
            QCOMPARE(table->item(row, ImportDialog::Slices)->data(Qt::DisplayRole).toInt(), scan.slices);
        const QString problems = table->item(row, ImportDialog::Problems)->text();
        if (scan.className == "SMC") {
            ++skipped;
            QVERIFY2(problems.startsWith("skipped: ") && problems.size() > 12, qPrintable(problems)); // with the reason
            QCOMPARE(table->item(row, ImportDialog::Class)->text(), QStringLiteral("SMC"));
        } else {
            QVERIFY2(!problems.contains("skipped"), qPrintable(problems));
            QVERIFY(table->item(row, ImportDialog::Class)->text().startsWith(QString::fromStdString(scan.className)));
        }
    }
    QCOMPARE(skipped, 2); // one SMC subject, two visits
    QCOMPARE(int(dialog.plan()->countToImport()), int(m_download.scans.size()) - skipped);
    QVERIFY(!fs::exists(m_root / "not-written")); // nothing is written before Import
}

void ImportDialogTest::importWritesWhatThePlanSays_data()
{
    QTest::addColumn<QString>("plane");
    QTest::addColumn<QString>("rule");
    QTest::newRow("axial central 6") << "axial" << "central:6";
    QTest::newRow("coronal range 10-13") << "coronal" << "range:10-13";
    QTest::newRow("sagittal discard 12") << "sagittal" << "discard:12";
}

void ImportDialogTest::importWritesWhatThePlanSays()
{
    QFETCH(QString, plane);
    QFETCH(QString, rule);
    const fs::path output = m_root / ("out-" + plane.toStdString());
    ImportDialog dialog;
    dialog.setSource(str(m_root / "download"));
    dialog.setMetadataCsv(str(m_download.csvPath));
    dialog.setOutput(str(output));
    dialog.setSliceSelection(SliceSelection::parse(slicePlaneFromName(plane.toStdString()), rule.toStdString()));
    dialog.setOpenWhenDone(true);
    QCOMPARE(QString::fromStdString(dialog.options().slices.ruleText()), rule);
    QVERIFY(findAndWait(dialog));
    QSignalSpy openDataset(&dialog, &ImportDialog::openDatasetRequested);
    QVERIFY(importAndWait(dialog));
    const std::map<std::string, int> expected = slicesPlanned(*dialog.plan());
    QCOMPARE(pngsPerScan(output), expected);
    QCOMPARE(int(dialog.result()->slicesWritten), total(expected));
    QVERIFY(dialog.result()->failures.empty());
    QVERIFY(dialog.failuresText().isEmpty());
    QVERIFY2(dialog.statusText().contains(QStringLiteral("%1 slices").arg(total(expected))), qPrintable(dialog.statusText()));
    QCOMPARE(openDataset.count(), 1);
    QCOMPARE(toPath(openDataset.first().first().toString()), output);
    QVERIFY(fs::exists(output / "manifest.csv"));
}

void ImportDialogTest::cancelLeavesNoScanHalfWritten()
{
    AdniDownloadOptions options = smallDownload();
    options.subjectsPerClass = 3;
    options.inPlaneVoxels = 48;
    options.slices = 40;
    const AdniDownloadSummary download = writeSyntheticAdniDownload(m_root / "bigger", options);
    const fs::path output = m_root / "cancelled";
    ImportDialog dialog;
    dialog.setSource(str(m_root / "bigger"));
    dialog.setMetadataCsv(str(download.csvPath));
    dialog.setOutput(str(output));
    dialog.setSliceSelection(SliceSelection::parse(SlicePlane::Axial, "central:16"));
    QVERIFY(findAndWait(dialog));
    // Cancel as soon as the first scan is done, from the GUI as the Cancel button does.
    auto* progress = dialog.findChild<QProgressBar*>(QStringLiteral("importProgress"));
    QVERIFY(progress);
    connect(progress, &QProgressBar::valueChanged, &dialog, [&dialog](int done) {
        if (done >= 1)
            dialog.cancel();
    });
    QSignalSpy cancelled(&dialog, &ImportDialog::cancelled);
    QSignalSpy imported(&dialog, &ImportDialog::imported);
    QSignalSpy openDataset(&dialog, &ImportDialog::openDatasetRequested);
    dialog.startImport();
    QVERIFY(cancelled.wait(60000));
    QCOMPARE(imported.count(), 0);
    QCOMPARE(openDataset.count(), 0);
    QVERIFY(!dialog.isBusy());
    const std::map<std::string, int> expected = slicesPlanned(*dialog.plan());
    const std::map<std::string, int> written = pngsPerScan(output);
    QVERIFY(!written.empty());
    QVERIFY(written.size() < expected.size());
    for (const auto& [key, count] : written)
        QCOMPARE(count, expected.at(key)); // every scan whole, or absent
    QVERIFY(dialog.statusText().contains("cancelled"));
}

void ImportDialogTest::foldersAreRemembered()
{
    {
        ImportDialog dialog;
        dialog.setSource(str(m_root / "download"));
        dialog.setMetadataCsv(str(m_download.csvPath));
        dialog.setOutput(str(m_root / "remembered"));
        dialog.setSliceSelection(SliceSelection::parse(SlicePlane::Coronal, "range:3-9"));
        dialog.setBaselineOnly(true);
        QVERIFY(findAndWait(dialog));
        QVERIFY(dialog.plan()->options.baselineOnly);
    }
    QCOMPARE(QSettings().value("import/source").toString(), str(m_root / "download"));
    ImportDialog again;
    QVERIFY(again.options().source.empty()); // the constructor reads no setting
    again.loadSettings();
    const ImportOptions options = again.options();
    QCOMPARE(options.source, m_root / "download");
    QCOMPARE(options.metadataCsv.value_or(fs::path()), m_download.csvPath);
    QCOMPARE(options.output, m_root / "remembered");
    QCOMPARE(options.slices.plane, SlicePlane::Coronal);
    QCOMPARE(QString::fromStdString(options.slices.ruleText()), QStringLiteral("range:3-9"));
    QVERIFY(options.baselineOnly);
}

void ImportDialogTest::theMainWindowOpensTheResult()
{
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    ImportDialog* dialog = window.showImportDialog();
    dialog->setSource(str(m_root / "download"));
    dialog->setMetadataCsv(str(m_download.csvPath));
    dialog->setOutput(str(m_root / "for-the-window"));
    dialog->setSliceSelection(SliceSelection::parse(SlicePlane::Axial, "central:4"));
    dialog->setBaselineOnly(false);
    dialog->setOpenWhenDone(true);
    QVERIFY(findAndWait(*dialog));
    const auto out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    dialog->resize(1100, 700);
    QTest::qWait(100);
    QVERIFY(dialog->grab().save(out + "/dialog-import.png"));
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    QVERIFY(importAndWait(*dialog));
    QVERIFY(loaded.wait(60000));
    QCOMPARE(window.currentPage(), MainWindow::Page::Dataset);
    QCOMPARE(window.dataset()->root, m_root / "for-the-window");
    QTest::qWait(100);
    QVERIFY(dialog->grab().save(out + "/dialog-import-done.png"));
}

QTEST_MAIN(ImportDialogTest)
#include "tst_importdialog.moc"
