// The clinician's viewer, offscreen: every supported file kind opens, window/level gives the
// computed pixels, the readout is the modality value, the panel shows the engine's probabilities,
// Grad-CAM peaks on the feature a trained model relies on, the PDF report is valid, drag and drop
// opens, batch prediction fills its table. (Scans: tst_viewerscan.)
#include "BatchPredictionView.h"
#include "DicomTagTree.h"
#include "IsolatedSettings.h"
#include "MainWindow.h"
#include "PredictionPanel.h"
#include "RunsLocation.h"
#include "SliceView.h"
#include "TestTree.h"
#include "TinyTraining.h"
#include "ViewerPage.h"
#include "ViewerWaits.h"

#include "imaging/DicomWriter.h"
#include "training/TrainingJob.h"

#include <opencv2/imgproc.hpp>

#include <QLabel>
#include <QMimeData>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <optional>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

namespace {

QString str(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

// A noisy 32x32 background with, for MCI, a bright square top-left and, for AD, bottom-right:
// the only thing that tells the classes apart, so a trained model must look there.
cv::Mat plantedImage(int label, int seed)
{
    cv::Mat image(32, 32, CV_8UC1);
    cv::RNG rng(static_cast<std::uint64_t>(seed) * 7919u + 17u);
    rng.fill(image, cv::RNG::UNIFORM, 40, 90);
    if (label == 1)
        image(cv::Rect(4, 4, 7, 7)).setTo(250);
    if (label == 2)
        image(cv::Rect(21, 21, 7, 7)).setTo(250);
    return image;
}

} // namespace

class ViewerPageTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void opensEveryKind_data();
    void opensEveryKind();
    void unreadableFileIsAMessage();
    void windowLevelGivesTheComputedPixels();
    void pixelReadoutIsTheModalityValue();
    void monochrome1IsShownInverted();
    void tagsAndHiddenIdentifiers();
    void panelShowsTheEngineProbabilities();
    void predictsTheSliceShownWithoutReadingItAgain();
    void kerasModelOpensAndPredicts();
    void gradCamPeaksOnThePlantedFeature();
    void pdfReportIsValid();
    void dragAndDropOpensAFile();
    void batchPredictionFillsTheTable();

private:
    QTemporaryDir m_dir;
    std::filesystem::path m_root;
    std::filesystem::path m_model;
    std::optional<IsolatedSettings> m_settings;
};

void ViewerPageTest::initTestCase()
{
    m_root = toPath(m_dir.path());
    // The planted-feature dataset and a small CNN trained on it (no augmentation: the squares stay put).
    const char* classes[] = {"CN", "MCI", "AD"};
    for (int label = 0; label < 3; ++label)
        for (int i = 0; i < 24; ++i)
            writeImage(m_root / "planted" / classes[label] / ("img_" + std::to_string(i) + ".png"), plantedImage(label, label * 100 + i));
    TrainingJobConfig job;
    job.dataset = m_root / "planted";
    job.runFolder = m_root / "run";
    job.training = tinyTrainingConfig(12);
    job.training.model.filters1 = job.training.model.filters2 = 8;
    job.training.model.hiddenUnits = 16;
    job.training.augment = false;
    job.training.split.ratios = {0.7, 0.15, 0.15};
    job.bootstrapResamples = 0;
    TrainingControl control;
    const TrainingJobResult result = runTrainingJob(job, control);
    QVERIFY(result.tested);
    QVERIFY2(result.test.slices.accuracy > 0.9, qPrintable(QString::number(result.test.slices.accuracy)));
    m_model = m_root / "run" / "best.pt";
}

void ViewerPageTest::init()
{
    // Each test starts with no remembered model and an empty runs folder: no model loads by itself.
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void ViewerPageTest::cleanup()
{
    m_settings.reset();
}

void ViewerPageTest::opensEveryKind_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("frames");
    const std::filesystem::path dir = m_root / "kinds";
    const cv::Mat grey8 = rampImage(40, 30, CV_8UC1, 0.2);
    writeImage(dir / "grey.png", grey8);
    writeImage(dir / "grey16.png", rampImage(40, 30, CV_16UC1, 50.0));
    writeImage(dir / "grey.jpg", grey8);
    writeImage(dir / "grey.bmp", grey8);
    writeImage(dir / "grey.tif", grey8);
    writeImage(dir / "colour.png", rampImage(40, 30, CV_8UC3, 0.2));
    DicomWriteOptions mr;
    mr.windowCenter = 600;
    mr.windowWidth = 800;
    writeDicom(dir / "mr.dcm", {rampImage(40, 30, CV_16UC1, 1.0)}, mr);
    DicomWriteOptions jpegLs = mr;
    jpegLs.encoding = DicomEncoding::JpegLsLossless;
    writeDicom(dir / "jpegls.dcm", {rampImage(40, 30, CV_16UC1, 1.0)}, jpegLs);
    DicomWriteOptions rgb;
    writeDicom(dir / "rgb.dcm", {rampImage(40, 30, CV_8UC3, 0.2)}, rgb);
    writeDicom(dir / "frames.dcm", {rampImage(40, 30, CV_16UC1, 1.0), rampImage(40, 30, CV_16UC1, 2.0), rampImage(40, 30, CV_16UC1, 3.0)}, mr);
    for (const char* name : {"grey.png", "grey16.png", "grey.jpg", "grey.bmp", "grey.tif", "colour.png", "mr.dcm", "jpegls.dcm", "rgb.dcm"})
        QTest::newRow(name) << name << 40 << 1;
    QTest::newRow("multi-frame") << "frames.dcm" << 40 << 3;
}

void ViewerPageTest::opensEveryKind()
{
    QFETCH(QString, name);
    QFETCH(int, width);
    QFETCH(int, frames);
    ViewerPage page;
    page.resize(1000, 700);
    page.show();
    QVERIFY(openAndWait(page, m_root / "kinds" / name.toStdString()));
    QCOMPARE(page.view()->slice().width, width);
    QCOMPARE(page.view()->slice().info.frames, frames);
    QVERIFY(!page.view()->renderedImage().isNull());
    if (frames > 1) {
        QCOMPARE(page.view()->slice().info.frame, 1); // the middle frame by default
        QVERIFY(openAndWait(page, m_root / "kinds" / name.toStdString()));
    }
}

void ViewerPageTest::unreadableFileIsAMessage()
{
    writeBytes(m_root / "broken.dcm", std::string(128, '\0') + "DICM" + std::string(40, '\x07'));
    ViewerPage page;
    QSignalSpy failed(&page, &ViewerPage::openFailed);
    page.openImage(str(m_root / "broken.dcm"));
    QVERIFY(failed.wait(20000));
    QVERIFY(failed.first().first().toString().contains("broken.dcm"));
    QVERIFY(!page.view()->hasSlice());
}

void ViewerPageTest::windowLevelGivesTheComputedPixels()
{
    DicomWriteOptions options;
    writeDicom(m_root / "ramp.dcm", {rampImage(64, 64, CV_16UC1, 1.0)}, options); // values 0..4095
    ViewerPage page;
    QVERIFY(openAndWait(page, m_root / "ramp.dcm"));
    SliceView* view = page.view();
    view->setWindow({1000.0, 500.0}); // 750..1250
    const QImage shown = view->renderedImage(false);
    for (const int value : {0, 700, 750, 800, 1000, 1249, 1250, 2000, 4095}) {
        const int x = value % 64, y = value / 64;
        const int expected = int(std::lround(std::clamp((value - 750.0) / 500.0, 0.0, 1.0) * 255.0));
        QCOMPARE(view->displayedGrey(x, y), expected);
        QCOMPARE(qGray(shown.pixel(x, y)), expected);
    }
    view->setInverted(true);
    QCOMPARE(view->displayedGrey(1000 % 64, 1000 / 64), 255 - 128);

    // Dragging: right widens the window, up raises the level... as OHIF and Slicer do.
    view->resize(400, 400);
    view->setWindow({1000.0, 500.0});
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseMove(view, QPoint(160, 100));
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(160, 100));
    QVERIFY(view->window().width > 500.0);
    QCOMPARE(view->window().center, 1000.0);
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseMove(view, QPoint(100, 40));
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(100, 40));
    QVERIFY(view->window().center > 1000.0);

    page.applyWindowPreset(WindowPreset::MinMax);
    QCOMPARE(view->window().low(), 0.0);
    QCOMPARE(view->window().high(), 4095.0);
}

void ViewerPageTest::pixelReadoutIsTheModalityValue()
{
    DicomWriteOptions options;
    options.rescaleSlope = 2.0;
    options.rescaleIntercept = -100.0;
    writeDicom(m_root / "rescaled.dcm", {rampImage(16, 16, CV_16UC1, 3.0)}, options);
    ViewerPage page;
    page.resize(600, 600);
    page.show();
    QVERIFY(openAndWait(page, m_root / "rescaled.dcm"));
    SliceView* view = page.view();
    QSignalSpy hovered(view, &SliceView::pixelHovered);
    // The centre of image pixel (5, 9) on screen.
    QPointF target;
    for (int sx = 0; sx < view->width() && target.isNull(); ++sx)
        for (int sy = 0; sy < view->height(); ++sy)
            if (view->imagePixelAt(QPointF(sx, sy)) == QPoint(5, 9)) {
                target = QPointF(sx + 2, sy + 2);
                break;
            }
    QVERIFY(!target.isNull());
    QTest::mouseMove(view, target.toPoint());
    QVERIFY(!hovered.isEmpty());
    const auto args = hovered.last();
    QCOMPARE(args.at(0).toInt(), 5);
    QCOMPARE(args.at(1).toInt(), 9);
    const double stored = (5 + 9 * 16) * 3.0;
    QCOMPARE(args.at(2).toDouble(), stored * 2.0 - 100.0);
    QVERIFY(page.findChild<QLabel*>("pixelReadout")->text().contains(QString::number(stored * 2.0 - 100.0)));
}

void ViewerPageTest::monochrome1IsShownInverted()
{
    DicomWriteOptions options;
    options.photometric = "MONOCHROME1";
    writeDicom(m_root / "mono1.dcm", {rampImage(16, 16, CV_16UC1, 10.0)}, options);
    ViewerPage page;
    QVERIFY(openAndWait(page, m_root / "mono1.dcm"));
    QVERIFY(page.view()->isInverted());
    // Low stored values are white in MONOCHROME1.
    QVERIFY(page.view()->displayedGrey(0, 0) > page.view()->displayedGrey(15, 15));
}

void ViewerPageTest::tagsAndHiddenIdentifiers()
{
    DicomWriteOptions options;
    options.patientName = "Doe^Jane";
    options.patientId = "PID-4711";
    options.seriesDescription = "T1 AXIAL";
    writeDicom(m_root / "tagged.dcm", {rampImage(16, 16, CV_16UC1, 1.0)}, options);
    ViewerPage page;
    page.setIdentifiersHidden(true);
    QVERIFY(openAndWait(page, m_root / "tagged.dcm"));
    QTreeWidget* tree = page.tags()->tree();
    const auto rowText = [&](const QString& keyword) {
        const auto items = tree->findItems(keyword, Qt::MatchExactly | Qt::MatchRecursive, 1);
        return items.isEmpty() ? QString() : items.first()->text(3);
    };
    QCOMPARE(rowText("PatientName"), QStringLiteral("(hidden)"));
    QCOMPARE(rowText("SeriesDescription"), QStringLiteral("T1 AXIAL"));
    QVERIFY(!page.cornerText(0).contains("Doe"));
    QVERIFY(page.cornerText(1).contains("T1 AXIAL"));
    page.setIdentifiersHidden(false);
    QCOMPARE(rowText("PatientName"), QStringLiteral("Doe^Jane"));
    QVERIFY(page.cornerText(0).contains("Doe^Jane"));
    QVERIFY(page.cornerText(0).contains("PID-4711"));
    const int all = page.tags()->visibleRowCount();
    page.tags()->setFilter("Patient");
    QVERIFY(page.tags()->visibleRowCount() < all);
    QVERIFY(page.tags()->visibleRowCount() >= 2);
    tree->findItems("PatientID", Qt::MatchExactly | Qt::MatchRecursive, 1).first()->setSelected(true);
    QVERIFY(page.tags()->selectedText().contains("PID-4711"));
    page.setIdentifiersHidden(true);
}

void ViewerPageTest::panelShowsTheEngineProbabilities()
{
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    const auto file = m_root / "planted" / "AD" / "img_3.png";
    QVERIFY(openAndWait(page, file));
    QVERIFY(predicted.wait(20000));
    SliceClassifier engine(m_model);
    const SlicePrediction expected = engine.classify(file, std::nullopt, std::nullopt);
    QCOMPARE(page.prediction()->displayedProbabilities(), expected.prediction.probabilities);
    QCOMPARE(expected.prediction.predicted, 2);
    QVERIFY(page.prediction()->resultText().startsWith("AD"));
    // A map for any chosen class, not only the predicted one.
    const SlicePrediction forMci = engine.classify(file, std::nullopt, 1);
    QCOMPARE(forMci.saliency.forClass, 1);
    QCOMPARE(forMci.prediction.probabilities, expected.prediction.probabilities);
    // The panel says which precision the probabilities (and the map, from the same pass) came from.
    QVERIFY(expected.precision == "float32" || expected.precision == "bfloat16");
    QVERIFY2(page.prediction()->calibrationText().contains("computed in " + QString::fromStdString(expected.precision)),
             qPrintable(page.prediction()->calibrationText()));
}

// The viewer classifies the slice it decoded when opening it: gone from the disk, it is still
// classified again (another explained class, calibration off), with the same probabilities.
void ViewerPageTest::predictsTheSliceShownWithoutReadingItAgain()
{
    const std::filesystem::path file = m_root / "soon-gone.png";
    std::filesystem::copy_file(m_root / "planted" / "AD" / "img_3.png", file, std::filesystem::copy_options::overwrite_existing);
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    QVERIFY(openAndWait(page, file));
    QVERIFY(predicted.wait(20000));
    const std::vector<double> first = page.prediction()->displayedProbabilities();
    std::filesystem::remove(file);
    predicted.clear();
    page.setCalibrated(false); // predicts the shown slice again
    QVERIFY(predicted.wait(20000));
    page.setCalibrated(true);
    QVERIFY(predicted.wait(20000));
    QVERIFY2(page.prediction()->resultText().startsWith("AD"), qPrintable(page.prediction()->resultText()));
    QCOMPARE(page.prediction()->displayedProbabilities(), first);
}

void ViewerPageTest::kerasModelOpensAndPredicts()
{
    // The notebook's vanilla CNN at 32x32 in Keras' .h5 layout (tests/interop/keras_files.py), as
    // "Model..." takes it: converted in the worker, predicting what the engine predicts.
    const QString keras = m_dir.filePath("keras");
    QProcess writer;
    writer.start("/usr/bin/python3", {qEnvironmentVariable("NEURODX_INTEROP_DIR") + "/keras_files.py", keras, "vanilla32"});
    QVERIFY(writer.waitForFinished(120000));
    QVERIFY2(writer.exitCode() == 0, writer.readAllStandardError().constData());
    const std::filesystem::path model = toPath(keras) / "vanilla32.h5";
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    const auto file = m_root / "planted" / "CN" / "img_5.png";
    QVERIFY(openAndWait(page, file));
    QVERIFY(predicted.wait(20000));
    const SlicePrediction expected = SliceClassifier(model).classify(file, std::nullopt, std::nullopt);
    QCOMPARE(page.prediction()->displayedProbabilities(), expected.prediction.probabilities);
}

void ViewerPageTest::gradCamPeaksOnThePlantedFeature()
{
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    // A new image of each planted class: the map for the predicted class peaks on its square.
    writeImage(m_root / "probe_ad.png", plantedImage(2, 9001));
    writeImage(m_root / "probe_mci.png", plantedImage(1, 9002));
    const struct { const char* file; QRect square; } probes[] = {{"probe_ad.png", QRect(21, 21, 7, 7)}, {"probe_mci.png", QRect(4, 4, 7, 7)}};
    for (const auto& probe : probes) {
        predicted.clear();
        QVERIFY(openAndWait(page, m_root / probe.file));
        QVERIFY(predicted.wait(20000));
        const SaliencyMap& map = page.lastPrediction()->saliency;
        QCOMPARE(map.width, 32);
        QCOMPARE(map.height, 32);
        int bestX = 0, bestY = 0;
        for (int y = 0; y < map.height; ++y)
            for (int x = 0; x < map.width; ++x)
                if (map.at(x, y) > map.at(bestX, bestY)) {
                    bestX = x;
                    bestY = y;
                }
        qInfo("%s: Grad-CAM peak at (%d, %d)", probe.file, bestX, bestY);
        QVERIFY2(probe.square.adjusted(-3, -3, 3, 3).contains(bestX, bestY), qPrintable(QStringLiteral("peak (%1, %2)").arg(bestX).arg(bestY)));
        QVERIFY(page.view()->hasHeatmap());
    }
    const auto out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    page.resize(1280, 720);
    page.show();
    QTest::qWait(200);
    page.grab().save(out + "/page-viewer-gradcam.png");
}

void ViewerPageTest::pdfReportIsValid()
{
    DicomWriteOptions options;
    options.patientName = "Doe^Jane";
    writeDicom(m_root / "report.dcm", {rampImage(32, 32, CV_16UC1, 4.0)}, options);
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    QVERIFY(openAndWait(page, m_root / "report.dcm"));
    QVERIFY(predicted.wait(20000));
    const SliceReport anonymous = page.currentReport(false);
    QVERIFY(anonymous.identifiers.isEmpty());
    QVERIFY(!anonymous.identifiersIncluded);
    QCOMPARE(anonymous.probabilities, page.lastPrediction()->prediction.probabilities);
    QVERIFY(page.currentReport(true).identifiers.join("\n").contains("Doe^Jane"));
    const QString file = QDir(m_dir.path()).filePath("report.pdf");
    QString error;
    QVERIFY2(page.exportReport(file, false, &error), qPrintable(error));
    QFile pdf(file);
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pdf.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    QVERIFY(bytes.size() > 5000); // with the images
    QVERIFY(!page.exportReport("/nonexistent-dir/report.pdf", false, &error));
    QVERIFY(error.contains("report.pdf"));
}

void ViewerPageTest::dragAndDropOpensAFile()
{
    MainWindow window;
    window.show();
    QSignalSpy opened(window.viewerPage(), &ViewerPage::imageOpened);
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(str(m_root / "planted" / "MCI" / "img_1.png"))});
    QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    QVERIFY(opened.wait(20000));
    QCOMPARE(window.currentPage(), MainWindow::Page::Viewer);
    QVERIFY(window.viewerPage()->currentFile().endsWith("img_1.png"));
}

void ViewerPageTest::batchPredictionFillsTheTable()
{
    const std::filesystem::path folder = m_root / "batch";
    std::filesystem::create_directories(folder);
    for (int i = 0; i < 5; ++i)
        writeImage(folder / ("slice_" + std::to_string(i) + ".png"), plantedImage(i % 3, 500 + i));
    writeBytes(folder / "broken.png", std::string("\x89PNG\r\n\x1a\n", 8) + "truncated");
    writeBytes(folder / ".DS_Store", "junk");
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy finished(&page, &ViewerPage::batchFinished);
    page.predictFolder(str(folder));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().first().toInt(), 6);
    QTableWidget* table = page.batch()->table();
    QCOMPARE(table->rowCount(), 6);
    // The unreadable file's row keeps its class and probability cells empty and says why in the note.
    const int note = table->columnCount() - 1;
    int errors = 0;
    for (int row = 0; row < 6; ++row) {
        const bool unreadable = table->item(row, note) && table->item(row, note)->text().startsWith("unreadable");
        errors += unreadable ? 1 : 0;
        QCOMPARE(table->item(row, 1) == nullptr, unreadable);
        if (unreadable)
            QVERIFY2(table->item(row, note)->toolTip().contains("broken.png"), qPrintable(table->item(row, note)->toolTip()));
    }
    QCOMPARE(errors, 1);
    // The planted-square model separates its validation part perfectly: no temperature, said so.
    const QString title = page.batch()->findChild<QLabel*>("batchTitle")->text();
    QVERIFY2(title.endsWith("(raw softmax)"), qPrintable(title));
    QCOMPARE(table->horizontalHeaderItem(table->columnCount() - 1)->text(), QStringLiteral("Note"));
    const QString csv = QDir(m_dir.path()).filePath("batch.csv");
    QString error;
    QVERIFY2(page.batch()->exportCsv(csv, &error), qPrintable(error));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 7);
}

QTEST_MAIN(ViewerPageTest)
#include "tst_viewerpage.moc"
