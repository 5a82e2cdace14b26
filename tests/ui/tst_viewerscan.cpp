// The viewer with 3D scans, offscreen, on synthetic heads written at test time: a DICOM series
// (its folder or any file of it) and NIfTI open with the right slice counts; wheel, slider and keys
// scroll and the reader's window stays; reformats have their own counts; the verdict and the strip
// are exactly what the engine computes (one point per predicted slice and class); clicking the
// strip jumps there; the shown slice gets its own Grad-CAM; the scan report is a valid PDF.
#include "IsolatedSettings.h"
#include "RunsLocation.h"
#include "MainWindow.h"
#include "PredictionPanel.h"
#include "ScanNavigator.h"
#include "ScanPane.h"
#include "ScanSession.h"
#include "ScanStripPlot.h"
#include "SliceView.h"
#include "TestTree.h"
#include "TinyTraining.h"
#include "ViewerPage.h"
#include "ViewerWaits.h"

#include "import/ScanImport.h"
#include "synthetic/AdniDownload.h"
#include "synthetic/PhantomVolume.h"
#include "training/TrainingJob.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/NiftiWriter.h"
#include "volume/ScanFinder.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QMimeData>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include <cmath>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

namespace {

QString str(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

} // namespace

class ViewerScanTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void opensAScan_data();
    void opensAScan();
    void aLoneDicomSliceOpensAs2D();
    void scrollingChangesTheSlice_data();
    void scrollingChangesTheSlice();
    void ctrlWheelStillZooms();
    void planeSwitchReformats();
    void verdictAndStripAreTheEngines();
    void clickingTheStripJumps();
    void shownSliceGetsItsGradCam();
    void scanReportIsValid();
    void scanFoldersOpenFromTheWindow();

private:
    bool openScanWithVerdict(ViewerPage& page, const std::filesystem::path& path);
    QTemporaryDir m_dir;
    std::optional<IsolatedSettings> m_settings; // per test function (init, cleanup)
    std::filesystem::path m_root;
    std::filesystem::path m_scanModel; // trained on imported scans: records its slice range (axial, central 8)
    std::filesystem::path m_series;    // a folder holding one axial DICOM series
    WrittenDicomSeries m_seriesFiles;
    std::filesystem::path m_nifti;     // the same head as .nii.gz
    std::filesystem::path m_images;    // a folder of 2D PNG slices
};

void ViewerScanTest::initTestCase()
{
    m_root = toPath(m_dir.path());
    // A scan model: a synthetic ADNI download imported (the central 8 axial slices of each head)
    // and trained on, so its file records the slice range a scan's verdict averages.
    AdniDownloadOptions download;
    download.subjectsPerClass = 4;
    download.smcSubjects = 0;
    download.visits = 1;
    download.inPlaneVoxels = 32;
    download.slices = 32;
    download.axialFraction = 1.0;
    download.difficulty = 0.2;
    const AdniDownloadSummary written = writeSyntheticAdniDownload(m_root / "download", download);
    ImportOptions import;
    import.source = m_root / "download";
    import.output = m_root / "imported";
    import.metadataCsv = written.csvPath;
    import.slices = SliceSelection::parse(SlicePlane::Axial, "central:8");
    QCOMPARE(runImport(planImport(import)).scansImported, written.scans.size());
    TrainingJobConfig job;
    job.dataset = m_root / "imported";
    job.runFolder = m_root / "run";
    job.training = tinyTrainingConfig(4);
    job.bootstrapResamples = 0;
    TrainingControl control;
    runTrainingJob(job, control);
    m_scanModel = m_root / "run" / "best.pt";
    QVERIFY(std::filesystem::exists(m_scanModel));
    m_images = m_root / "imported" / "AD";

    // One AD-like head, 40 x 40 voxels in plane and 30 axial slices, as a DICOM series and as NIfTI.
    const Volume head = renderPhantomVolume(drawPhantomSubject(7, 0, 1.0, 0.2), phantomHeadGrid(40, 30, PhantomPlane::Axial), 11);
    m_series = m_root / "series";
    m_seriesFiles = writeDicomSeries(m_series, head);
    m_nifti = m_root / "head.nii.gz";
    writeNifti(m_nifti, head);
    writeNifti(m_root / "head.nii", head);
}

void ViewerScanTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void ViewerScanTest::cleanup()
{
    m_settings.reset();
}

// Opens a scan with the scan model loaded and waits for the scan's verdict.
bool ViewerScanTest::openScanWithVerdict(ViewerPage& page, const std::filesystem::path& path)
{
    if (!loadModelAndWait(page, m_scanModel))
        return false;
    QSignalSpy verdict(&page, &ViewerPage::scanPredicted);
    return openAndWait(page, path) && page.isScanOpen() && (verdict.count() > 0 || verdict.wait(30000));
}

namespace {

// The slice the engine cuts from the scan at `path`, as the viewer should show it.
std::vector<float> engineSlice(const std::filesystem::path& path, SlicePlane plane, int index)
{
    const Volume volume = openScan(path);
    return toViewerSlice(volumeSlice(volume, plane, index, valueRange(volume)), "expected").values;
}

std::filesystem::path firstPng(const std::filesystem::path& folder)
{
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
        if (entry.path().extension() == ".png")
            return entry.path();
    return {};
}

QWheelEvent wheel(QWidget* widget, int delta, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    const QPointF at(widget->width() / 2.0, widget->height() / 2.0);
    return QWheelEvent(at, widget->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
}

} // namespace

void ViewerScanTest::opensAScan_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("index"); // -1: the middle of the head, else the opened file's slice
    QTest::newRow("series folder") << str(m_series) << -1;
    QTest::newRow("a file of the series") << str(m_seriesFiles.files[7]) << m_seriesFiles.slices[7];
    QTest::newRow("nifti .nii.gz") << str(m_nifti) << -1;
    QTest::newRow("nifti .nii") << str(m_root / "head.nii") << -1;
}

void ViewerScanTest::opensAScan()
{
    QFETCH(QString, path);
    QFETCH(int, index);
    ViewerPage page;
    QSignalSpy scans(&page, &ViewerPage::scanOpened);
    QVERIFY(openAndWait(page, toPath(path)));
    QCOMPARE(scans.count(), 1);
    QVERIFY(page.isScanOpen());
    ScanSession* session = page.scan()->session();
    const Volume volume = openScan(toPath(path));
    QCOMPARE(session->plane(), SlicePlane::Axial);
    QCOMPARE(session->count(), sliceCount(volume, SlicePlane::Axial));
    QCOMPARE(session->count(), 30);
    QCOMPARE(page.scan()->navigator()->slider()->maximum(), 29);
    if (index >= 0)
        QCOMPARE(session->index(), index);
    else
        QVERIFY(session->index() > 5 && session->index() < 25);
    QCOMPARE(page.view()->slice().values, engineSlice(toPath(path), SlicePlane::Axial, session->index()));
    const QString corner = page.cornerText(2);
    QVERIFY2(corner.contains(QStringLiteral("axial %1 (0-29)").arg(session->index())), qPrintable(corner));
    QVERIFY2(corner.contains(QString::fromStdString(slicePositionText(volume, SlicePlane::Axial, session->index()))), qPrintable(corner));
    QVERIFY(corner.contains(" mm"));
}

void ViewerScanTest::aLoneDicomSliceOpensAs2D()
{
    writeSmallDicom(m_root / "alone" / "slice.dcm");
    ViewerPage page;
    QSignalSpy failed(&page, &ViewerPage::openFailed);
    QVERIFY(openAndWait(page, m_root / "alone" / "slice.dcm"));
    QVERIFY(!page.isScanOpen());
    QVERIFY(page.view()->hasSlice());
    QVERIFY(!page.scan()->isVisibleTo(&page));
    // Its folder holds no scan: opened as a folder, that is a message, not a crash.
    page.openPath(str(m_root / "alone"));
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().first().toString().contains("no DICOM series or NIfTI scan"));
}

void ViewerScanTest::scrollingChangesTheSlice_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("steps");
    QTest::newRow("wheel forward") << "wheel" << 1;
    QTest::newRow("wheel back twice") << "wheel" << -2;
    QTest::newRow("slider") << "slider" << 3;
    QTest::newRow("key up") << "up" << 1;
    QTest::newRow("key down") << "down" << -1;
    QTest::newRow("page up") << "pageup" << SliceView::kPageSlices;
    QTest::newRow("page down") << "pagedown" << -SliceView::kPageSlices;
}

void ViewerScanTest::scrollingChangesTheSlice()
{
    QFETCH(QString, how);
    QFETCH(int, steps);
    ViewerPage page;
    page.resize(1000, 800);
    page.show();
    QVERIFY(openAndWait(page, m_series));
    SliceView* view = page.view();
    ScanSession* session = page.scan()->session();
    session->setIndex(15);
    view->setWindow({0.4, 0.3}); // the reader's window survives scrolling
    const QImage before = view->renderedImage(false);
    if (how == "wheel") {
        for (int i = 0; i < std::abs(steps); ++i) {
            QWheelEvent event = wheel(view, steps > 0 ? 120 : -120);
            QApplication::sendEvent(view, &event);
        }
    } else if (how == "slider") {
        page.scan()->navigator()->slider()->setValue(15 + steps);
    } else {
        const Qt::Key key = how == "up" ? Qt::Key_Up : how == "down" ? Qt::Key_Down : how == "pageup" ? Qt::Key_PageUp : Qt::Key_PageDown;
        QTest::keyClick(view, key);
    }
    QCOMPARE(session->index(), 15 + steps);
    QCOMPARE(page.scan()->navigator()->slider()->value(), 15 + steps);
    QCOMPARE(view->slice().values, engineSlice(m_series, SlicePlane::Axial, 15 + steps));
    QVERIFY(view->renderedImage(false) != before);
    QCOMPARE(view->window().center, 0.4);
    QCOMPARE(view->window().width, 0.3);
    QVERIFY(page.cornerText(2).contains(QStringLiteral("axial %1 ").arg(15 + steps)));
}

void ViewerScanTest::ctrlWheelStillZooms()
{
    ViewerPage page;
    page.resize(1000, 800);
    page.show();
    QVERIFY(openAndWait(page, m_nifti));
    const int index = page.scan()->session()->index();
    const double zoom = page.view()->zoom();
    QWheelEvent event = wheel(page.view(), 120, Qt::ControlModifier);
    QApplication::sendEvent(page.view(), &event);
    QCOMPARE(page.scan()->session()->index(), index);
    QVERIFY(page.view()->zoom() > zoom);
    // A 2D image keeps the wheel for zooming.
    QVERIFY(openAndWait(page, firstPng(m_images)));
    QVERIFY(!page.view()->scrollsSlices());
    const double zoom2d = page.view()->zoom();
    QWheelEvent plain = wheel(page.view(), 120);
    QApplication::sendEvent(page.view(), &plain);
    QVERIFY(page.view()->zoom() > zoom2d);
}

void ViewerScanTest::planeSwitchReformats()
{
    ViewerPage page;
    page.resize(1000, 800);
    page.show();
    QVERIFY(openAndWait(page, m_series));
    const Volume volume = openScan(m_series);
    page.view()->setWindow({0.5, 0.6});
    QComboBox* planes = page.scan()->navigator()->planes();
    for (const SlicePlane plane : {SlicePlane::Coronal, SlicePlane::Sagittal, SlicePlane::Axial}) {
        planes->setCurrentIndex(planes->findData(int(plane)));
        emit planes->activated(planes->currentIndex()); // as a choice in the list does
        ScanSession* session = page.scan()->session();
        QCOMPARE(session->plane(), plane);
        QCOMPARE(session->count(), sliceCount(volume, plane));
        QCOMPARE(page.scan()->navigator()->slider()->maximum(), sliceCount(volume, plane) - 1);
        QCOMPARE(page.view()->slice().values, engineSlice(m_series, plane, session->index()));
        QVERIFY(page.cornerText(2).contains(QString::fromLatin1(slicePlaneName(plane))));
        QCOMPARE(page.view()->window().center, 0.5);
        QCOMPARE(page.view()->window().width, 0.6);
    }
    QCOMPARE(sliceCount(volume, SlicePlane::Coronal), 40); // the reformats' own counts, not the 30 axial slices
}

void ViewerScanTest::verdictAndStripAreTheEngines()
{
    ViewerPage page;
    QVERIFY(openScanWithVerdict(page, m_nifti));
    SliceClassifier engine(m_scanModel);
    const ScanPrediction expected = engine.classifyScan(openScan(m_nifti));
    QVERIFY(expected.selectionFromModel);
    QCOMPARE(int(expected.slices.size()), 8); // the model's own range: the central 8 axial slices
    const ScanStripPlot* strip = page.scan()->strip();
    QCOMPARE(strip->classCount(), 3);
    for (int c = 0; c < 3; ++c)
        QCOMPARE(strip->pointCount(c), int(expected.slices.size()));
    const auto graph = strip->plot()->graph(2)->data();
    for (std::size_t n = 0; n < expected.slices.size(); ++n) {
        QCOMPARE((graph->constBegin() + int(n))->key, double(expected.slices[n].index));
        QCOMPARE((graph->constBegin() + int(n))->value, expected.slices[n].probabilities[2]);
    }
    QCOMPARE(page.prediction()->displayedScanProbabilities(), expected.probabilities);
    const QString verdict = page.prediction()->scanResultText();
    QVERIFY2(verdict.startsWith(QString::fromStdString(expected.classNames[std::size_t(expected.predicted)])), qPrintable(verdict));
    QVERIFY2(verdict.contains(QString::number(expected.confidence * 100.0, 'f', 1)), qPrintable(verdict));
    const int agreeing = int(std::lround(expected.agreement * 8));
    QVERIFY2(page.prediction()->scanDetailText().contains(QStringLiteral("Mean of 8 axial slices, %1 agree").arg(agreeing)),
             qPrintable(page.prediction()->scanDetailText()));
}

void ViewerScanTest::clickingTheStripJumps()
{
    ViewerPage page;
    page.resize(1280, 800);
    page.show();
    QVERIFY(openScanWithVerdict(page, m_series));
    ScanStripPlot* strip = page.scan()->strip();
    strip->plot()->replot();
    const std::vector<int> predicted = [&] {
        std::vector<int> indices;
        for (const auto& s : page.scan()->session()->analysis()->prediction.slices)
            indices.push_back(s.index);
        return indices;
    }();
    // Viewing another plane, a click on the strip goes back to the model's plane.
    page.scan()->session()->setPlane(SlicePlane::Sagittal);
    QVERIFY(!strip->isMarkerVisible());
    for (const int target : {predicted.front(), predicted[3], predicted.back()}) {
        QTest::mouseClick(strip->plot(), Qt::LeftButton, {}, strip->pointOf(target));
        QCOMPARE(page.scan()->session()->plane(), SlicePlane::Axial);
        QCOMPARE(page.scan()->session()->index(), target);
        QCOMPARE(page.view()->slice().values, engineSlice(m_series, SlicePlane::Axial, target));
        QVERIFY(strip->isMarkerVisible());
        QCOMPARE(strip->markerPosition(), double(target));
    }
}

void ViewerScanTest::shownSliceGetsItsGradCam()
{
    ViewerPage page;
    QVERIFY(openScanWithVerdict(page, m_nifti));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    ScanSession* session = page.scan()->session();
    // Scrolling faster than the model answers: only the slice left shown gets its map.
    for (int i = 0; i < 5; ++i)
        session->step(1);
    const int shown = session->index();
    QVERIFY(QTest::qWaitFor([&] { return page.lastPrediction() != nullptr; }, 20000));
    QVERIFY(!page.isBusy() || QTest::qWaitFor([&] { return !page.isBusy(); }, 20000));
    QCOMPARE(session->index(), shown);
    const SlicePrediction& last = *page.lastPrediction();
    QVERIFY(QString::fromStdString(last.prediction.file).endsWith(QStringLiteral("axial:%1").arg(shown)));
    QCOMPARE(last.saliency.width, page.view()->slice().width);
    QCOMPARE(last.saliency.height, page.view()->slice().height);
    QVERIFY(page.view()->hasHeatmap());
    SliceClassifier engine(m_scanModel);
    const Volume volume = openScan(m_nifti);
    const SlicePrediction expected = engine.classify(volumeSlice(volume, SlicePlane::Axial, shown, valueRange(volume)), "x");
    QCOMPARE(page.prediction()->displayedProbabilities(), expected.prediction.probabilities);
}

void ViewerScanTest::scanReportIsValid()
{
    ViewerPage page;
    page.resize(1280, 800);
    page.show();
    QVERIFY(openScanWithVerdict(page, m_series));
    const ScanReport anonymous = page.currentScanReport(false);
    QVERIFY(anonymous.identifiers.isEmpty());
    QCOMPARE(anonymous.probabilities, page.scan()->session()->analysis()->prediction.probabilities);
    QCOMPARE(int(anonymous.slices.size()), 3);
    for (const ScanReportSlice& shown : anonymous.slices) {
        QVERIFY(!shown.slice.isNull());
        QVERIFY(!shown.heatmap.isNull());
        QVERIFY(shown.caption.contains(" mm"));
    }
    QVERIFY(!anonymous.strip.isNull());
    QVERIFY(anonymous.aggregationText.contains("8 slices"));
    QVERIFY(page.currentScanReport(true).identifiers.join("\n").contains("SYNTHETIC^PHANTOM"));
    const QString file = QDir(m_dir.path()).filePath("scan-report.pdf");
    QString error;
    QVERIFY2(page.exportReport(file, false, &error), qPrintable(error));
    QFile pdf(file);
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdf.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    QVERIFY(bytes.size() > 20000); // the strip and six slice images
    QVERIFY(!bytes.contains("SYNTHETIC"));

    // The page as a reader sees it, on a slice of the predicted range.
    page.scan()->session()->setIndex(page.scan()->session()->analysis()->prediction.slices[5].index);
    QVERIFY(QTest::qWaitFor([&] { return page.view()->hasHeatmap(); }, 20000));
    const auto out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    QTest::qWait(200);
    QVERIFY(page.grab().save(out + "/page-viewer-scan.png"));
    QVERIFY(page.scan()->strip()->image(1200, 320).save(out + "/viewer-scan-strip.png"));
}

void ViewerScanTest::scanFoldersOpenFromTheWindow()
{
    MainWindow window;
    window.show();
    ViewerPage* viewer = window.viewerPage();
    // The command line and Open Recent: a scan folder opens in the viewer.
    QSignalSpy scans(viewer, &ViewerPage::scanOpened);
    window.openPath(str(m_series));
    QVERIFY(scans.wait(20000));
    QCOMPARE(window.currentPage(), MainWindow::Page::Viewer);
    QVERIFY(viewer->isScanOpen());
    // Dropped on the viewer: a scan folder opens, a folder of 2D images is predicted as a batch.
    viewer->openImage(str(firstPng(m_images)));
    QVERIFY(QTest::qWaitFor([&] { return !viewer->isScanOpen() && viewer->view()->hasSlice(); }, 20000));
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(str(m_root / "head.nii"))});
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QSignalSpy status(viewer, &ViewerPage::statusMessage);
    // Qt 6 delivers a drop to the widget that accepted the drag's enter event.
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewer, &enter);
    QVERIFY(enter.isAccepted());
    QApplication::sendEvent(viewer, &drop);
    QVERIFY2(scans.wait(20000), status.isEmpty() ? "no message" : qPrintable(status.last().first().toString()));
    QVERIFY(viewer->isScanOpen());
    QVERIFY(loadModelAndWait(*viewer, m_scanModel));
    QSignalSpy batch(viewer, &ViewerPage::batchFinished);
    QMimeData images;
    images.setUrls({QUrl::fromLocalFile(str(m_images))});
    QDragEnterEvent enterImages(QPoint(50, 50), Qt::CopyAction, &images, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewer, &enterImages);
    QDropEvent dropImages(QPointF(50, 50), Qt::CopyAction, &images, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewer, &dropImages);
    QVERIFY(batch.wait(30000));
    QCOMPARE(batch.first().first().toInt(), 4 * 8); // 4 AD subjects, 8 slices each
}

QTEST_MAIN(ViewerScanTest)
#include "tst_viewerscan.moc"
