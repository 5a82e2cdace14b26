// The training page, offscreen, with a real (tiny) training: curves fill, the run finishes and
// opens in the evaluation page, Stop works mid-epoch, closing asks. How long the event loop stalls
// during training is a speed target: bench/GuiStallBenchmark.cpp measures it (neurodx-bench-gui).
#include "ConfusionMatrixView.h"
#include "DatasetDocument.h"
#include "DatasetPage.h"
#include "EvaluationPage.h"
#include "MainWindow.h"
#include "RunsLocation.h"
#include "RunsPage.h"
#include "IsolatedSettings.h"
#include "TinyTraining.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "TrainingSettingsForm.h"

#include "evaluation/RunFolder.h"
#include "training/TrainingJob.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <cmath>
#include <optional>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

namespace {

QString saveScreenshot(QWidget* widget, const QString& name)
{
    const QString out = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("screenshots"));
    QDir().mkpath(out);
    const QString file = QDir(out).filePath(name);
    widget->grab().save(file);
    return file;
}

} // namespace

class TrainingPageTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void trainsWithLiveCurves();
    void runFolderReopens();
    void stopWorksMidEpochAndResumeContinues();
    void closingDuringTrainingAsksThenWaits();
    void trainingWithoutDatasetIsAMessage();
    void trainsTheSplitShownNotARescan();

private:
    bool openDataset(MainWindow& window);
    QTemporaryDir m_dir;
    std::filesystem::path m_dataset;
    std::optional<IsolatedSettings> m_settings;
};

void TrainingPageTest::initTestCase()
{
    m_dataset = std::filesystem::path(m_dir.path().toStdString()) / "dataset";
    writeTinyDataset(m_dataset);
}

void TrainingPageTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void TrainingPageTest::cleanup()
{
    m_settings.reset();
}

bool TrainingPageTest::openDataset(MainWindow& window)
{
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    if (!loaded.wait(30000))
        return false;
    SplitConfig split;
    split.ratios = {0.5, 0.25, 0.25};
    window.datasetPage()->setSplitConfig(split);
    return true;
}

void TrainingPageTest::trainsWithLiveCurves()
{
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    QVERIFY(openDataset(window));
    TrainingPage* page = window.trainingPage();
    TrainingConfig config = tinyTrainingConfig(4);
    config.batchSize = 2;
    page->settings()->setConfig(config);
    window.showPage(MainWindow::Page::Training);

    QSignalSpy finished(page, &TrainingPage::trainingFinished);
    QSignalSpy shown(window.evaluationPage(), &EvaluationPage::evaluationShown);
    page->startTraining();
    QVERIFY(page->isTraining());
    QVERIFY(finished.wait(180000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("completed"));
    QVERIFY(finished.first().at(2).toBool()); // tested on the test part
    QVERIFY(!page->isTraining());
    const RunRecord run = readRunFolder(finished.first().at(0).toString().toStdString());
    QCOMPARE(run.history.size(), std::size_t(4));
    QCOMPARE(page->curves()->epochPointCount(), 4);
    const DatasetSplit* split = window.datasetPage()->split();
    QVERIFY(split);
    const int batches = int((split->part(SplitPart::Train).size() + 1) / 2);
    QCOMPARE(page->curves()->batchPointCount(), 4 * batches); // throttled signals lose no batch
    QVERIFY(page->logText().contains("epoch 4:"));
    // The log carries what the CLI prints before training: the settings and the model summary.
    QVERIFY2(page->logText().contains("Settings: model ") && page->logText().contains("Total params: "), qPrintable(page->logText()));

    // The finished run opens in the evaluation page with the engine's matrix.
    QVERIFY(shown.count() > 0 || shown.wait(10000));
    const auto& expected = run.test->report.slices.confusion;
    ConfusionMatrixView* matrix = window.evaluationPage()->matrix();
    QCOMPARE(matrix->classCount(), 3);
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(matrix->count(t, p), expected[std::size_t(t)][std::size_t(p)]);

    QTest::qWait(200);
    saveScreenshot(&window, QStringLiteral("page-training.png"));
    window.showPage(MainWindow::Page::Evaluation);
    QTest::qWait(300);
    saveScreenshot(&window, QStringLiteral("page-evaluation.png"));
}

void TrainingPageTest::runFolderReopens()
{
    // A run trained by the engine, as the CLI would leave it.
    TrainingJobConfig job;
    job.dataset = m_dataset;
    job.runFolder = std::filesystem::path(m_settings->folder().toStdString()) / "runs" / "engine-run";
    job.training = tinyTrainingConfig(2);
    job.bootstrapResamples = 0;
    TrainingControl control;
    QVERIFY(runTrainingJob(job, control).tested);
    const QString finishedRun = QString::fromStdString(job.runFolder.string());

    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::runOpened);
    window.openPath(finishedRun);
    QVERIFY(opened.wait(20000));
    const RunRecord run = readRunFolder(finishedRun.toStdString());
    QCOMPARE(window.trainingPage()->curves()->epochPointCount(), int(run.history.size()));
    QCOMPARE(window.currentPage(), MainWindow::Page::Evaluation);
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(window.evaluationPage()->matrix()->count(t, p), run.test->report.slices.confusion[std::size_t(t)][std::size_t(p)]);

    RunsPage* runs = window.runsPage();
    runs->refresh();
    QVERIFY(runs->runCount() >= 1);
    runs->compare({finishedRun, finishedRun});
    QCOMPARE(runs->comparedCount(), 2);
    window.showPage(MainWindow::Page::Runs);
    QTest::qWait(200);
    saveScreenshot(&window, QStringLiteral("page-runs.png"));
}

void TrainingPageTest::stopWorksMidEpochAndResumeContinues()
{
    MainWindow window;
    window.show();
    QVERIFY(openDataset(window));
    TrainingPage* page = window.trainingPage();
    TrainingConfig config = tinyTrainingConfig(400);
    config.batchSize = 1; // many batches per epoch, so the stop lands inside one
    page->settings()->setConfig(config);
    QSignalSpy finished(page, &TrainingPage::trainingFinished);
    page->startTraining();
    const DatasetSplit* split = window.datasetPage()->split();
    QVERIFY(split);
    const int batchesPerEpoch = int(split->part(SplitPart::Train).size());
    // Inside the second epoch: the first one is complete and checkpointed, the second is not.
    QTRY_VERIFY_WITH_TIMEOUT(page->curves()->batchPointCount() > batchesPerEpoch + 1, 120000);
    page->stopTraining();
    QVERIFY(page->isTraining() || finished.count() == 1); // Stop does not block: the worker finishes its batch
    QVERIFY(finished.count() == 1 || finished.wait(60000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
    const int epochsBefore = page->curves()->epochPointCount();
    QVERIFY2(epochsBefore >= 1 && epochsBefore < 400, qPrintable(QString::number(epochsBefore)));
    const QString run = finished.first().at(0).toString();
    const RunRecord stopped = readRunFolder(run.toStdString(), 0);
    QCOMPARE(int(stopped.history.size()), epochsBefore); // the interrupted epoch is not recorded
    QVERIFY(QFile::exists(run + "/last.pt"));

    // Resume, pause and continue, then stop again: the resumed run keeps its earlier epochs.
    QSignalSpy resumedFinished(page, &TrainingPage::trainingFinished);
    page->resumeRun(run);
    QVERIFY(page->isTraining());
    page->togglePause();
    QVERIFY(page->isPaused());
    page->togglePause();
    QVERIFY(!page->isPaused());
    QTRY_VERIFY_WITH_TIMEOUT(page->curves()->epochPointCount() > epochsBefore, 120000);
    page->stopTraining();
    QVERIFY(resumedFinished.wait(60000));
    const RunRecord resumed = readRunFolder(run.toStdString(), 0);
    QVERIFY(int(resumed.history.size()) > epochsBefore);
    // Continued, not restarted: the earlier epochs are the recorded ones, their measured seconds too
    // (a restart from the same seed would repeat the losses, not the timings).
    for (int e = 0; e < epochsBefore; ++e) {
        const EpochRecord& before = stopped.history[std::size_t(e)];
        const EpochRecord& after = resumed.history[std::size_t(e)];
        QCOMPARE(after.epoch, before.epoch);
        QVERIFY(std::abs(after.loss - before.loss) < 1e-6);
        QVERIFY2(std::abs(after.seconds - before.seconds) < 1e-9, qPrintable(QStringLiteral("%1 s, before %2 s").arg(after.seconds).arg(before.seconds)));
    }
}

void TrainingPageTest::closingDuringTrainingAsksThenWaits()
{
    auto* window = new MainWindow;
    window->show();
    QVERIFY(openDataset(*window));
    window->trainingPage()->settings()->setConfig(tinyTrainingConfig(400));
    window->trainingPage()->startTraining();
    QVERIFY(window->isBusy());
    QStringList questions;
    bool answer = false;
    window->setCloseConfirmation([&](const QString& question) {
        questions << question;
        return answer;
    });
    QVERIFY(!window->close()); // "no": keeps training
    QVERIFY(window->trainingPage()->isTraining());
    answer = true;
    QVERIFY(window->close()); // "yes": cancels and waits
    QVERIFY(!window->isBusy());
    QCOMPARE(questions.size(), 2);
    delete window;
}

void TrainingPageTest::trainingWithoutDatasetIsAMessage()
{
    DatasetDocument nothingOpen;
    TrainingPage page(&nothingOpen);
    QSignalSpy failed(&page, &TrainingPage::trainingFailed);
    page.startTraining();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains("dataset"));
    QVERIFY(!page.isTraining());
}

// Images added to the folder after the scan do not reach the training: it trains the index and split
// the Dataset page shows (the window's DatasetDocument), not a fresh scan of the folder.
void TrainingPageTest::trainsTheSplitShownNotARescan()
{
    const std::filesystem::path copy = std::filesystem::path(m_dir.path().toStdString()) / "changing";
    writeTinyDataset(copy);
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(copy.string()));
    QVERIFY(loaded.wait(30000));
    SplitConfig splitConfig;
    splitConfig.ratios = {0.5, 0.25, 0.25};
    window.datasetPage()->setSplitConfig(splitConfig);
    const SharedDatasetSplit shown = window.document()->split();
    QVERIFY(shown);
    QCOMPARE(window.datasetPage()->split(), shown.get());

    // A new subject appears on disk: a rescan would see it and split differently.
    const std::filesystem::path extra = copy / "AD" / "late_subject_slice00.png";
    std::filesystem::copy_file(copy / window.document()->index()->entries.front().path, extra);

    TrainingPage* page = window.trainingPage();
    page->settings()->setConfig(tinyTrainingConfig(1));
    QSignalSpy finished(page, &TrainingPage::trainingFinished);
    page->startTraining();
    QVERIFY(finished.wait(180000));
    const std::filesystem::path run = finished.first().at(0).toString().toStdString();
    QFile splitFile(QString::fromStdString((run / "split.json").string()));
    QVERIFY(splitFile.open(QIODevice::ReadOnly));
    QVERIFY(!splitFile.readAll().contains("late_subject"));
    const DatasetSplit trained = loadSplit(run / "split.json", *window.document()->index());
    for (SplitPart part : {SplitPart::Train, SplitPart::Validation, SplitPart::Test})
        QCOMPARE(trained.part(part), shown->part(part));
    QVERIFY(!page->logText().contains("scanning")); // no second scan
}

QTEST_MAIN(TrainingPageTest)
#include "tst_trainingpage.moc"
