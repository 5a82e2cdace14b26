// The tuning page runs a real (tiny) search and the leakage audit in workers and shows them.
#include "MainWindow.h"
#include "DatasetPage.h"
#include "FileSnapshot.h"
#include "IsolatedSettings.h"
#include "RunsLocation.h"
#include "TinyTraining.h"
#include "TrainingPage.h"
#include "TrainingSettingsForm.h"
#include "TuningPage.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <optional>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

class TuningPageTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void searchFillsTheTableAndUseBestFillsTraining();
    void resumingRepeatsNoTrial();
    void auditShowsThreeArms();
    void badSearchSpaceIsAMessage();

private:
    bool openDataset(MainWindow& window);
    // Runs the three-trial random search of these tests through the page; returns its folder.
    QString search(TuningPage* page, const QString& resumeFolder = {});
    QTemporaryDir m_dir;
    std::filesystem::path m_dataset;
    std::optional<IsolatedSettings> m_settings;
};

void TuningPageTest::initTestCase()
{
    m_dataset = std::filesystem::path(m_dir.path().toStdString()) / "dataset";
    writeTinyDataset(m_dataset);
}

void TuningPageTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath("runs"));
}

void TuningPageTest::cleanup()
{
    m_settings.reset();
}

bool TuningPageTest::openDataset(MainWindow& window)
{
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    if (!loaded.wait(30000))
        return false;
    window.trainingPage()->settings()->setConfig(tinyTrainingConfig(1));
    return true;
}

QString TuningPageTest::search(TuningPage* page, const QString& resumeFolder)
{
    page->setStrategy(false);
    page->setMaxTrials(3);
    page->setMaxEpochs(1);
    page->setSearchSpace("filters1=2,4\nfilters2=2,4\nunits=4:12:4");
    QSignalSpy finished(page, &TuningPage::searchFinished);
    page->startSearch(resumeFolder);
    if (!finished.wait(180000) || finished.first().at(1).toBool())
        return {};
    return finished.first().at(0).toString();
}

void TuningPageTest::searchFillsTheTableAndUseBestFillsTraining()
{
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    QVERIFY(openDataset(window));
    TuningPage* page = window.tuningPage();
    QVERIFY(!search(page).isEmpty());
    QCOMPARE(page->trialTable()->rowCount(), 3);
    QCOMPARE(int(page->trials().size()), 3);
    const int best = page->bestTrial();
    QVERIFY(best >= 0);

    QSignalSpy use(page, &TuningPage::useHyperparameters);
    page->findChild<QPushButton*>("useBest")->click();
    QCOMPARE(use.count(), 1);
    const HyperparameterValues& values = page->trials()[std::size_t(best)].hyperparameters;
    const TrainingConfig config = window.trainingPage()->settings()->config();
    QVERIFY(config.model.architecture == neurodx::Architecture::Cnn);
    QCOMPARE(config.model.hiddenUnits, values["units"].get<int>());
    QCOMPARE(config.model.filters1, values["filters1"].get<int>());
    QCOMPARE(window.currentPage(), MainWindow::Page::Training);

    window.showPage(MainWindow::Page::Tuning);
    QTest::qWait(200);
    const QString out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    window.grab().save(out + "/page-tuning.png");
}

void TuningPageTest::resumingRepeatsNoTrial()
{
    MainWindow window;
    QVERIFY(openDataset(window));
    const QString folder = search(window.tuningPage());
    QVERIFY(!folder.isEmpty());
    // A trial that ran again would write its checkpoints and trial.json anew (new inodes, times).
    const auto trialFiles = snapshotFiles(folder.toStdString(), "trial_");
    QCOMPARE(int(std::count_if(trialFiles.begin(), trialFiles.end(), [](const auto& file) { return file.first.find("/trial.json") != std::string::npos; })), 3);

    MainWindow resumed;
    QVERIFY(openDataset(resumed));
    TuningPage* page = resumed.tuningPage();
    QCOMPARE(search(page, folder), folder);
    QCOMPARE(page->trialTable()->rowCount(), 3);
    for (const TrialRecord& trial : page->trials())
        QCOMPARE(trial.status, TrialStatus::Completed);
    const std::string rewritten = changedFiles(trialFiles, snapshotFiles(folder.toStdString(), "trial_"));
    QVERIFY2(rewritten.empty(), rewritten.c_str());
}

void TuningPageTest::auditShowsThreeArms()
{
    MainWindow window;
    QVERIFY(openDataset(window));
    TuningPage* page = window.tuningPage();
    QSignalSpy done(page, &TuningPage::auditFinished);
    page->startAudit();
    QVERIFY(done.wait(180000));
    const SharedAudit audit = page->auditResult();
    QVERIFY(audit);
    QCOMPARE(audit->arms.size(), std::size_t(3));
    for (int a = 0; a < 3; ++a) {
        const QString text = page->findChild<QLabel*>(QStringLiteral("auditArm%1").arg(a))->text();
        QVERIFY2(text.contains(QString::number(audit->arms[std::size_t(a)].accuracy, 'f', 3)), qPrintable(text));
    }
    QCOMPARE(audit->arms[0].sharedSubjects, std::size_t(0));
    QVERIFY(page->findChild<QLabel*>("auditVerdict")->text().contains(audit->leakage ? "Leakage found" : "No leakage found"));
}

void TuningPageTest::badSearchSpaceIsAMessage()
{
    MainWindow window;
    QVERIFY(openDataset(window));
    TuningPage* page = window.tuningPage();
    page->setSearchSpace("units=64:32:8");
    QSignalSpy failed(page, &TuningPage::failed);
    page->startSearch();
    QCOMPARE(failed.count(), 1);
    QVERIFY(failed.first().first().toString().contains("units"));
    QVERIFY(!page->isBusy());
}

QTEST_MAIN(TuningPageTest)
#include "tst_tuningpage.moc"
