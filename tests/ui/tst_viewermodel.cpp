// The viewer's model: which one it opens by itself, the warning for slices unlike its training
// data, and the calibration switch. (Files and pixels: tst_viewerpage; scans: tst_viewerscan.)
#include "IsolatedSettings.h"
#include "PredictionPanel.h"
#include "RunsLocation.h"
#include "TestTree.h"
#include "TinyTraining.h"
#include "ViewerPage.h"
#include "ViewerWaits.h"

#include "inference/InputWarnings.h"
#include "inference/SliceClassifier.h"
#include "training/TrainingJob.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <optional>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

namespace {

QString str(const std::filesystem::path& p)
{
    return QString::fromStdString(p.string());
}

} // namespace

class ViewerModelTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void startsWithTheLastModel_data();
    void startsWithTheLastModel();
    void warnsAboutImagesUnlikeTheTrainingData();
    void saysWhenTheModelIsNearChance();
    void calibrationSwitchShowsTheRawSoftmax();

private:
    QTemporaryDir m_dir;
    std::filesystem::path m_root;
    std::filesystem::path m_model; // the phantoms' tiny CNN, calibrated after training
    std::filesystem::path m_slice; // one of its phantom slices
    std::optional<IsolatedSettings> m_settings;
};

void ViewerModelTest::initTestCase()
{
    m_root = toPath(m_dir.path());
    writeTinyDataset(m_root / "dataset");
    TrainingJobConfig job;
    job.dataset = m_root / "dataset";
    job.runFolder = m_root / "run";
    job.training = tinyTrainingConfig(3);
    job.bootstrapResamples = 0;
    TrainingControl control;
    QVERIFY(runTrainingJob(job, control).tested);
    m_model = m_root / "run" / "best.pt";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(m_root / "dataset" / "MCI"))
        if (m_slice.empty() && entry.path().extension() == ".png")
            m_slice = entry.path();
}

void ViewerModelTest::init()
{
    // Each test starts with no remembered model and an empty runs folder: no model loads by itself.
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void ViewerModelTest::cleanup()
{
    m_settings.reset();
}

void ViewerModelTest::startsWithTheLastModel_data()
{
    QTest::addColumn<QString>("remembered"); // viewer/model: "model", a file since deleted ("gone"), or none
    QTest::addColumn<bool>("runInRunsFolder");
    QTest::addColumn<bool>("loads");
    QTest::newRow("the remembered model") << "model" << false << true;
    QTest::newRow("remembered file gone: not the newest run") << "gone" << true << false;
    QTest::newRow("nothing remembered: not the newest run") << "" << true << false;
    QTest::newRow("remembered file gone, no run") << "gone" << false << false;
    QTest::newRow("nothing at all") << "" << false << false;
}

void ViewerModelTest::startsWithTheLastModel()
{
    QFETCH(QString, remembered);
    QFETCH(bool, runInRunsFolder);
    QFETCH(bool, loads);
    if (remembered == "model")
        QSettings().setValue("viewer/model", str(m_model));
    else if (remembered == "gone")
        QSettings().setValue("viewer/model", str(m_root / "deleted-run" / "best.pt"));
    if (runInRunsFolder)
        setRunsRoot(str(m_root)); // holds the run folder "run" of initTestCase
    ViewerPage page;
    QVERIFY(!page.isBusy()); // the constructor reads no setting: loading is loadSettings()'s
    QSignalSpy loaded(&page, &ViewerPage::modelLoaded);
    page.loadSettings();
    if (!loads) {
        QVERIFY(!page.isBusy()); // no load was started
        QVERIFY(!page.classifier());
        return;
    }
    QVERIFY(loaded.wait(20000));
    QCOMPARE(loaded.first().first().toString(), str(m_model));
    QVERIFY(page.classifier());
}

void ViewerModelTest::warnsAboutImagesUnlikeTheTrainingData()
{
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    QVERIFY(openAndWait(page, m_slice));
    QVERIFY(predicted.wait(20000));
    QVERIFY2(page.prediction()->outlierText().isEmpty(), qPrintable(page.prediction()->outlierText()));

    // A checkerboard: nothing like the phantom brain slices the model learnt.
    cv::Mat board(32, 32, CV_8UC1);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x)
            board.at<std::uint8_t>(y, x) = ((x / 4 + y / 4) % 2) ? 255 : 0;
    writeImage(m_root / "board.png", board);
    predicted.clear();
    QVERIFY(openAndWait(page, m_root / "board.png"));
    QVERIFY(predicted.wait(20000));
    QVERIFY(page.prediction()->outlierText().contains("Unlike the slices this model was trained on"));
    page.resize(1200, 760);
    page.show();
    QTest::qWait(200);
    QVERIFY(page.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath("screenshots/viewer-unlike-training.png")));
    SliceClassifier engine(m_model);
    const SlicePrediction expected = engine.classify(m_root / "board.png", std::nullopt, std::nullopt);
    QVERIFY(expected.prediction.unlikeTraining);
    QCOMPARE(expected.prediction.warnings.front(), std::string(kUnlikeTrainingWarning));
}

void ViewerModelTest::calibrationSwitchShowsTheRawSoftmax()
{
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    QVERIFY2(page.prediction()->calibrationText().contains("calibrated on"), qPrintable(page.prediction()->calibrationText()));
    QVERIFY(page.prediction()->calibrationOn());
    QSignalSpy predicted(&page, &ViewerPage::predicted);
    QVERIFY(openAndWait(page, m_slice));
    QVERIFY(predicted.wait(20000));
    const std::vector<double> calibrated = page.prediction()->displayedProbabilities();
    page.setCalibrated(false);
    QVERIFY(predicted.wait(20000));
    const std::vector<double> raw = page.prediction()->displayedProbabilities();
    QVERIFY(page.prediction()->calibrationText().contains("raw softmax"));
    QVERIFY(!page.prediction()->calibrationOn());
    // Calibrated log-odds are the raw ones over the temperature stored in the model file.
    const double temperature = page.classifier()->metadata().at("calibration").at("temperature").get<double>();
    QVERIFY(std::abs(temperature - 1.0) > 1e-3);
    for (std::size_t c = 1; c < 3; ++c)
        QVERIFY(std::abs(std::log(calibrated[c] / calibrated[0]) - std::log(raw[c] / raw[0]) / temperature) < 1e-4);
    page.setCalibrated(true);
    QVERIFY(predicted.wait(20000));
    QCOMPARE(page.prediction()->displayedProbabilities(), calibrated);
}

void ViewerModelTest::saysWhenTheModelIsNearChance()
{
    // The panel shows exactly the engine's verdict on this model (tst_evaluationwarnings checks the rule).
    ViewerPage page;
    QVERIFY(loadModelAndWait(page, m_model));
    const SliceClassifier model(m_model);
    const std::vector<std::string> warnings = modelWarnings(model.metadata(), model.classNames().size());
    const QString shown = page.prediction()->modelText();
    QCOMPARE(shown.contains("Warning:"), !warnings.empty());
    for (const std::string& warning : warnings)
        QVERIFY2(shown.contains(QString::fromStdString(warning)), qPrintable(shown));
    QVERIFY2(shown.contains("validation accuracy"), qPrintable(shown)); // the summary itself is still there
}

QTEST_MAIN(ViewerModelTest)
#include "tst_viewermodel.moc"
