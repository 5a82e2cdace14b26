// The Runs page lists the CLI's runs beside the GUI's: both write to one root (defaultRunsRoot) with
// the same names, and the page shows each run's model, input, dataset, split, epochs and results.
#include "RunsLocation.h"
#include "RunsPage.h"

#include "CliProcess.h"
#include "FreePort.h"
#include "IsolatedSettings.h"
#include "TestTree.h"

#include "common/UserFolders.h"
#include "synthetic/PhantomGenerator.h"

#include <QApplication>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <memory>
#include <optional>

using namespace neurodx;
using namespace neurodx::test;
using namespace neurodx::ui;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class RunsPageTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cliRunsAreListedWithTheirSettings();
    void distributedRunsSayHowManyRanks();
    void guiRunsAreNamedLikeCliRuns();
    void userDataFolderIsQtsAppDataLocation();

private:
    QTemporaryDir m_dir;
    fs::path m_root;
    std::optional<IsolatedSettings> m_settings;
};

void RunsPageTest::initTestCase()
{
    QApplication::setOrganizationName("NeuroDx");
    QApplication::setApplicationName("NeuroDx");
    m_root = toPath(m_dir.path()) / "runs";
    // This process and the CLI it starts share the runs root the way a user's GUI and CLI do.
    qputenv("NEURODX_RUNS_DIR", QByteArray::fromStdString(m_root.string()));
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 2;
    options.size = 32;
    writeSyntheticDataset(toPath(m_dir.path()) / "data", options);
}

void RunsPageTest::init()
{
    m_settings.emplace(); // no runs/root chosen: the page looks where the CLI writes
}

void RunsPageTest::cleanup()
{
    m_settings.reset();
}

void RunsPageTest::cliRunsAreListedWithTheirSettings()
{
    const CliResult train = runCli({"train", str(toPath(m_dir.path()) / "data"), "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8",
                                    "--image-size", "32", "--batch-size", "8", "--ratios", "0.5,0.25,0.25", "--epochs", "1", "--quiet"});
    QVERIFY2(train.exitCode == 0, train.err.constData());
    QCOMPARE(runsRoot(), str(m_root));

    RunsPage page;
    QCOMPARE(page.runCount(), 1);
    auto* list = page.findChild<QTreeWidget*>("runList");
    QVERIFY(list);
    QTreeWidgetItem* run = list->topLevelItem(0);
    const auto column = [&](const QString& header) {
        for (int c = 0; c < list->columnCount(); ++c)
            if (list->headerItem()->text(c) == header)
                return run->text(c);
        return QStringLiteral("<no column %1>").arg(header);
    };
    QVERIFY2(QRegularExpression("^20\\d{6}-\\d{6}-cnn$").match(column("Run")).hasMatch(), qPrintable(column("Run")));
    QCOMPARE(column("Model"), QStringLiteral("cnn"));
    QCOMPARE(column("Input"), QStringLiteral("32 px x 1"));
    QCOMPARE(column("Dataset"), QStringLiteral("data"));
    QCOMPARE(column("Split"), QStringLiteral("subject 0.50/0.25/0.25, seed 42"));
    QCOMPARE(column("Epochs"), QStringLiteral("1"));
    QVERIFY(column("Test accuracy") != "-");
}

void RunsPageTest::distributedRunsSayHowManyRanks()
{
#if !NEURODX_HAS_DISTRIBUTED
    QSKIP("built with NEURODX_DISTRIBUTED=OFF: no distributed runs to list");
#endif
    // Two neurodx-cli ranks as torchrun starts them: rank 0 writes one ordinary run folder.
    const QString output = str(m_root / "pair");
    const int port = freeLoopbackPort();
    std::vector<std::unique_ptr<QProcess>> ranks;
    for (int rank = 0; rank < 2; ++rank) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("MASTER_ADDR", "127.0.0.1");
        environment.insert("MASTER_PORT", QString::number(port));
        environment.insert("WORLD_SIZE", "2");
        environment.insert("RANK", QString::number(rank));
        ranks.push_back(std::make_unique<QProcess>());
        ranks.back()->setProcessEnvironment(environment);
        ranks.back()->start(cliProgram(), {"train", str(toPath(m_dir.path()) / "data"), "--model", "cnn", "--filters1", "4", "--filters2", "4",
                                           "--units", "8", "--image-size", "32", "--batch-size", "4", "--ratios", "0.5,0.25,0.25", "--epochs",
                                           "1", "--quiet", "--output", output});
    }
    for (auto& rank : ranks) {
        QVERIFY(rank->waitForFinished(120000));
        QVERIFY2(rank->exitCode() == 0, rank->readAllStandardError().constData());
    }
    RunsPage page;
    auto* list = page.findChild<QTreeWidget*>("runList");
    QVERIFY(list);
    QStringList models;
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->text(0) == "pair")
            models << list->topLevelItem(i)->text(1);
    QCOMPARE(models, QStringList{"cnn, 2 ranks"});
}

void RunsPageTest::guiRunsAreNamedLikeCliRuns()
{
    const QString first = newRunFolder("tuning");
    const QString second = newRunFolder("tuning");
    QVERIFY(first != second);
    for (const QString& folder : {first, second}) {
        QCOMPARE(QFileInfo(folder).absolutePath(), str(m_root));
        QVERIFY2(QRegularExpression("^20\\d{6}-\\d{6}-tuning(-\\d+)?$").match(QFileInfo(folder).fileName()).hasMatch(), qPrintable(folder));
        QVERIFY(QFileInfo(folder).isDir());
    }
}

void RunsPageTest::userDataFolderIsQtsAppDataLocation()
{
    // The CLI cannot ask Qt where the GUI keeps its data; core computes it, and must agree.
    QStandardPaths::setTestModeEnabled(false);
    const QString qt = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QStandardPaths::setTestModeEnabled(true);
    QCOMPARE(QDir::cleanPath(str(userDataFolder())), QDir::cleanPath(qt));
}

QTEST_MAIN(RunsPageTest)
#include "tst_runspage.moc"
