// The training page, offscreen, with a real (tiny) training: curves fill, the run finishes and
// opens in the evaluation page, Stop works mid-epoch, the event loop never stalls, closing asks.
#include "ConfusionMatrixView.h"
#include "DatasetPage.h"
#include "EvaluationPage.h"
#include "MainWindow.h"
#include "RunsLocation.h"
#include "RunsPage.h"
#include "TinyTraining.h"
#include "TrainingCurves.h"
#include "TrainingPage.h"
#include "TrainingSettingsForm.h"

#include "evaluation/RunFolder.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

namespace {

// Longest interval between two ticks of a 10 ms timer: how long the event loop was blocked.
class StallMeter {
public:
    StallMeter()
    {
        m_clock.start();
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            m_longest = std::max(m_longest, m_clock.restart());
        });
        m_timer.start(10);
    }
    qint64 longestMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
};

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
    void trainsWithLiveCurvesAndNeverStalls();
    void runFolderReopens();
    void stopWorksMidEpochAndResumeContinues();
    void closingDuringTrainingAsksThenWaits();
    void trainingWithoutDatasetIsAMessage();

private:
    void openDataset(MainWindow& window);
    QTemporaryDir m_dir;
    std::filesystem::path m_dataset;
    QString m_finishedRun;
};

void TrainingPageTest::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_dataset = std::filesystem::path(m_dir.path().toStdString()) / "dataset";
    writeTinyDataset(m_dataset);
    setRunsRoot(QDir(m_dir.path()).filePath(QStringLiteral("runs")));
}

void TrainingPageTest::openDataset(MainWindow& window)
{
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    SplitConfig split;
    split.ratios = {0.5, 0.25, 0.25};
    window.datasetPage()->setSplitConfig(split);
}

void TrainingPageTest::trainsWithLiveCurvesAndNeverStalls()
{
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    openDataset(window);
    TrainingPage* page = window.trainingPage();
    TrainingConfig config = tinyTrainingConfig(4);
    config.input.size = config.model.imageSize = 64; // a few seconds of training: the stall measure means something
    config.model.filters1 = config.model.filters2 = 16;
    config.model.hiddenUnits = 32;
    config.batchSize = 2;
    page->settings()->setConfig(config);
    window.showPage(MainWindow::Page::Training);

    QSignalSpy finished(page, &TrainingPage::trainingFinished);
    QSignalSpy shown(window.evaluationPage(), &EvaluationPage::evaluationShown);
    StallMeter stalls;
    page->startTraining();
    QVERIFY(page->isTraining());
    QVERIFY(finished.wait(180000));
    const qint64 longestStall = stalls.longestMs();
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("completed"));
    QVERIFY(finished.first().at(2).toBool()); // tested on the test part
    QVERIFY(!page->isTraining());
    m_finishedRun = finished.first().at(0).toString();

    const RunRecord run = readRunFolder(m_finishedRun.toStdString());
    QCOMPARE(run.history.size(), std::size_t(4));
    QCOMPARE(page->curves()->epochPointCount(), 4);
    const DatasetSplit* split = window.datasetPage()->split();
    QVERIFY(split);
    const int batches = int((split->part(SplitPart::Train).size() + 1) / 2);
    QCOMPARE(page->curves()->batchPointCount(), 4 * batches); // throttled signals lose no batch
    QVERIFY(page->logText().contains("epoch 4:"));
    qInfo("longest event-loop stall during training: %lld ms", longestStall);
    QVERIFY2(longestStall < 100, qPrintable(QString::number(longestStall)));

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
    QVERIFY(!m_finishedRun.isEmpty());
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::runOpened);
    window.openPath(m_finishedRun);
    QVERIFY(opened.wait(20000));
    const RunRecord run = readRunFolder(m_finishedRun.toStdString());
    QCOMPARE(window.trainingPage()->curves()->epochPointCount(), int(run.history.size()));
    QCOMPARE(window.currentPage(), MainWindow::Page::Evaluation);
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(window.evaluationPage()->matrix()->count(t, p), run.test->report.slices.confusion[std::size_t(t)][std::size_t(p)]);

    RunsPage* runs = window.runsPage();
    runs->refresh();
    QVERIFY(runs->runCount() >= 1);
    runs->compare({m_finishedRun, m_finishedRun});
    QCOMPARE(runs->comparedCount(), 2);
    window.showPage(MainWindow::Page::Runs);
    QTest::qWait(200);
    saveScreenshot(&window, QStringLiteral("page-runs.png"));
}

void TrainingPageTest::stopWorksMidEpochAndResumeContinues()
{
    MainWindow window;
    window.show();
    openDataset(window);
    TrainingPage* page = window.trainingPage();
    TrainingConfig config = tinyTrainingConfig(400);
    config.batchSize = 1; // many batches per epoch, so the stop lands inside one
    page->settings()->setConfig(config);
    QSignalSpy finished(page, &TrainingPage::trainingFinished);
    page->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(page->curves()->batchPointCount() > 0, 60000);
    QElapsedTimer stopClock;
    stopClock.start();
    page->stopTraining();
    QVERIFY(page->isTraining() || finished.count() == 1); // Stop does not block: the worker finishes its batch
    QVERIFY(finished.count() == 1 || finished.wait(30000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
    QVERIFY2(stopClock.elapsed() < 10000, "stopping took too long");
    const int epochsBefore = page->curves()->epochPointCount();
    QVERIFY(epochsBefore < 400);
    const QString run = finished.first().at(0).toString();

    // Pause and continue, then stop again: the resumed run keeps its earlier epochs.
    if (!QFile::exists(run + "/last.pt"))
        return; // stopped inside the first epoch: nothing to resume yet (the engine's tests cover resume)
    QSignalSpy resumedFinished(page, &TrainingPage::trainingFinished);
    page->resumeRun(run);
    QVERIFY(page->isTraining());
    page->togglePause();
    QVERIFY(page->isPaused());
    page->togglePause();
    QVERIFY(!page->isPaused());
    page->stopTraining();
    QVERIFY(resumedFinished.wait(30000));
    QVERIFY(readRunFolder(run.toStdString(), 0).history.size() >= std::size_t(epochsBefore));
}

void TrainingPageTest::closingDuringTrainingAsksThenWaits()
{
    auto* window = new MainWindow;
    window->show();
    openDataset(*window);
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
    TrainingPage page;
    QSignalSpy failed(&page, &TrainingPage::trainingFailed);
    page.startTraining();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains("dataset"));
    QVERIFY(!page.isTraining());
}

QTEST_MAIN(TrainingPageTest)
#include "tst_trainingpage.moc"
