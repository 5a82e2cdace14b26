// The first window, offscreen: it shows exactly what the engine's scan computed.
#include "IsolatedSettings.h"
#include "RunsLocation.h"
#include "SettingsReset.h"
#include "TrainingPage.h"
#include "ViewerPage.h"
#include "TrainingSettingsForm.h"
#include "ClassCountChart.h"
#include "DatasetPage.h"
#include "MainWindow.h"
#include "ThumbnailCache.h"
#include "ThumbnailGrid.h"
#include "TestTree.h"

#include "dataset/DatasetScanner.h"
#include "training/TrainingSettings.h"

#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <optional>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

class MainWindowTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void showsTheEngineCounts();
    void listsSkippedFilesByReason();
    void missingFolderIsAMessageNotACrash();
    void demoOpensSyntheticDataset();
    void settingsRestoreOnlyWhenAskedAndReset();
    void closingDuringAScanWaitsCleanly();
    void screenshot();
    void everyPageBuilds_data();
    void everyPageBuilds();
    void imageGridListsEveryEntry();
    void thumbnailsDecodeLazily();
    void splitTableEqualsTheEngine();
    void sliceSplitShowsTheLeakageWarning();

private:
    QTemporaryDir m_dir;
    std::optional<IsolatedSettings> m_settings; // per test function (init, cleanup)
    std::filesystem::path m_dataset;
};

void MainWindowTest::initTestCase()
{
    m_dataset = toPath(m_dir.path()) / "dataset";
    PhantomOptions options;
    options.subjectsPerClass = 3;
    options.slicesPerSubject = 2;
    options.size = 32;
    writeSyntheticDataset(m_dataset, options);
    writePng(m_dataset / "AD/extra_without_subject.png");
    writeBytes(m_dataset / "CN/.DS_Store", "x");
}

void MainWindowTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void MainWindowTest::cleanup()
{
    m_settings.reset();
}

void MainWindowTest::showsTheEngineCounts()
{
    MainWindow window;
    window.show();
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));

    const DatasetIndex expected = scanDataset(m_dataset);
    const auto summaries = expected.classSummaries();
    auto* table = window.findChild<QTableWidget*>("classCountTable");
    QVERIFY(table);
    QCOMPARE(table->rowCount(), int(summaries.size()) + 1);
    std::vector<double> images, subjects;
    for (int row = 0; row < int(summaries.size()); ++row) {
        QCOMPARE(table->item(row, 0)->text(), QString::fromStdString(expected.classNames[std::size_t(row)]));
        QCOMPARE(table->item(row, 1)->data(Qt::UserRole).toULongLong(), qulonglong(summaries[std::size_t(row)].images));
        QCOMPARE(table->item(row, 2)->data(Qt::UserRole).toULongLong(), qulonglong(summaries[std::size_t(row)].subjects));
        images.push_back(double(summaries[std::size_t(row)].images));
        subjects.push_back(double(summaries[std::size_t(row)].subjects));
    }
    QCOMPARE(table->item(3, 1)->data(Qt::UserRole).toULongLong(), qulonglong(expected.entries.size()));
    QCOMPARE(table->item(2, 3)->data(Qt::UserRole).toULongLong(), qulonglong(1)); // the AD image without subject

    auto* chart = window.findChild<ClassCountChart*>();
    QVERIFY(chart);
    QCOMPARE(chart->imageBarValues(), images);
    QCOMPARE(chart->subjectBarValues(), subjects);
    QVERIFY(!window.isScanning());
}

void MainWindowTest::listsSkippedFilesByReason()
{
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    auto* tree = window.findChild<QTreeWidget*>("skippedTree");
    QVERIFY(tree);
    QStringList files;
    for (int g = 0; g < tree->topLevelItemCount(); ++g)
        for (int c = 0; c < tree->topLevelItem(g)->childCount(); ++c)
            files << tree->topLevelItem(g)->child(c)->text(0);
    files.sort();
    QCOMPARE(files, (QStringList{"CN/.DS_Store", "metadata.csv"}));
    QVERIFY(window.findChild<QLabel*>("warningsLabel")->text().contains("no identifiable subject"));
}

void MainWindowTest::missingFolderIsAMessageNotACrash()
{
    MainWindow window;
    QSignalSpy failed(&window, &MainWindow::datasetFailed);
    window.openDataset("/nonexistent/neurodx/folder");
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.first().first().toString().contains("/nonexistent/neurodx/folder"));
    QVERIFY(!window.dataset());
}

void MainWindowTest::demoOpensSyntheticDataset()
{
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDemo();
    QVERIFY(loaded.wait(120000));
    const auto index = loaded.first().first().value<SharedDatasetIndex>();
    const PhantomOptions defaults;
    QCOMPARE(index->entries.size(), std::size_t(3 * defaults.subjectsPerClass * defaults.slicesPerSubject));
    QCOMPARE(index->totalSubjects(), std::size_t(3 * defaults.subjectsPerClass));
    // The demo trains as `neurodx-cli demo` does.
    const TrainingConfig shown = window.trainingPage()->settings()->config();
    for (const TrainingSetting& setting : trainingSettings())
        QCOMPARE(QString::fromStdString(setting.name + " " + settingValueText(setting.get(shown))),
                 QString::fromStdString(setting.name + " " + settingValueText(setting.get(demoTrainingConfig()))));
}

// What the user chose comes back through restoreSettings() (as neurodx's main() calls it), not in a
// window's constructor; --reset-settings forgets it and keeps the runs.
void MainWindowTest::settingsRestoreOnlyWhenAskedAndReset()
{
    const QString runs = QDir(m_settings->folder()).filePath(QStringLiteral("my-runs"));
    QVERIFY(QDir().mkpath(runs + "/20261130-010203-tuned"));
    setRunsRoot(runs);
    {
        MainWindow window;
        TrainingConfig chosen = window.trainingPage()->settings()->config();
        chosen.epochs = 77;
        window.trainingPage()->settings()->setConfig(chosen);
        window.trainingPage()->settings()->saveSettings();
    }
    const TrainingConfig defaults;
    MainWindow fresh;
    QCOMPARE(fresh.trainingPage()->settings()->config().epochs, defaults.epochs);
    fresh.restoreSettings();
    QCOMPARE(fresh.trainingPage()->settings()->config().epochs, 77);
    QCOMPARE(runsRoot(), runs);

    const QString file = resetSettings();
    QVERIFY2(file.startsWith(m_settings->folder()), qPrintable(file)); // the settings file, nothing else
    MainWindow afterReset;
    afterReset.restoreSettings();
    QCOMPARE(afterReset.trainingPage()->settings()->config().epochs, defaults.epochs);
    QVERIFY(runsRoot() != runs);
    QVERIFY(QFileInfo::exists(runs + "/20261130-010203-tuned")); // the user's runs stay

    // Opening the demo shows its preset; closing without training with it keeps the user's choice.
    {
        MainWindow window;
        window.restoreSettings();
        TrainingConfig chosen = window.trainingPage()->settings()->config();
        chosen.epochs = 55;
        window.trainingPage()->settings()->setConfig(chosen);
        window.trainingPage()->settings()->saveSettings();
        window.openDemo();
        QCOMPARE(window.trainingPage()->settings()->config().epochs, demoTrainingConfig().epochs);
        QVERIFY(window.close());
    }
    MainWindow later;
    later.restoreSettings();
    QCOMPARE(later.trainingPage()->settings()->config().epochs, 55);

    // The split settings too: nothing is written while the user edits them, closing saves them.
    QSettings().remove(QStringLiteral("split")); // the windows closed above saved theirs
    {
        MainWindow window;
        window.show();
        window.restoreSettings();
        SplitConfig split;
        split.mode = SplitMode::BySlice;
        split.ratios = {0.6, 0.2, 0.2};
        split.seed = 7;
        window.datasetPage()->setSplitConfig(split);
        QVERIFY(!QSettings().contains(QStringLiteral("split/seed"))); // not on every edit
        QVERIFY(window.close());
    }
    QCOMPARE(QSettings().value(QStringLiteral("split/seed")).toInt(), 7);
    MainWindow reopened;
    QCOMPARE(reopened.datasetPage()->splitConfig().seed, SplitConfig{}.seed); // not in the constructor
    reopened.restoreSettings();
    const SplitConfig restored = reopened.datasetPage()->splitConfig();
    QVERIFY(restored.mode == SplitMode::BySlice);
    QCOMPARE(restored.ratios[0], 0.6);
    QCOMPARE(restored.seed, std::uint64_t{7});

    // The viewer's identifier switch: hidden (the safe default) until restoreSettings() brings the
    // user's choice to show them.
    QSettings().setValue(QStringLiteral("viewer/hideIdentifiers"), false);
    MainWindow viewing;
    QVERIFY(viewing.viewerPage()->identifiersHidden());
    viewing.restoreSettings();
    QVERIFY(!viewing.viewerPage()->identifiersHidden());
}

void MainWindowTest::closingDuringAScanWaitsCleanly()
{
    QTemporaryDir big;
    for (int i = 0; i < 3000; ++i)
        writePng(toPath(big.path()) / "CN" / ("s" + std::to_string(i) + ".png"), i, 4);
    auto* window = new MainWindow;
    window->openDataset(big.path());
    QVERIFY(window->isScanning());
    window->close(); // cancels and waits for the worker thread
    QVERIFY(!window->isScanning());
    delete window;
}

void MainWindowTest::screenshot()
{
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    QTest::qWait(100);
    const QString out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    QVERIFY(window.grab().save(out + "/mainwindow-dataset.png"));
}

void MainWindowTest::everyPageBuilds_data()
{
    QTest::addColumn<int>("page");
    QTest::addColumn<QString>("objectName");
    QTest::newRow("dataset") << int(MainWindow::Page::Dataset) << "datasetPage";
    QTest::newRow("training") << int(MainWindow::Page::Training) << "trainingPage";
    QTest::newRow("evaluation") << int(MainWindow::Page::Evaluation) << "evaluationPage";
    QTest::newRow("tuning") << int(MainWindow::Page::Tuning) << "tuningPage";
    QTest::newRow("runs") << int(MainWindow::Page::Runs) << "runsPage";
}

void MainWindowTest::everyPageBuilds()
{
    QFETCH(int, page);
    QFETCH(QString, objectName);
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    window.showPage(MainWindow::Page(page));
    QCOMPARE(int(window.currentPage()), page);
    auto* widget = window.findChild<QWidget*>(objectName);
    QVERIFY(widget);
    QTRY_VERIFY(widget->isVisible());
    // Works at the smallest supported size without overlapping controls being cut off entirely.
    QVERIFY(widget->width() > 600 && widget->height() > 500);
    QVERIFY(!window.grab().isNull());
}

void MainWindowTest::imageGridListsEveryEntry()
{
    MainWindow window;
    window.resize(1280, 720);
    window.show();
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    ThumbnailGrid* grid = window.datasetPage()->thumbnails();
    QCOMPARE(grid->itemCount(), int(window.dataset()->entries.size()));
    QTabWidget* tabs = nullptr;
    for (QWidget* parent = grid->parentWidget(); parent && !tabs; parent = parent->parentWidget())
        tabs = qobject_cast<QTabWidget*>(parent);
    QVERIFY(tabs);
    tabs->setCurrentWidget(grid);
    QVERIFY(grid->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!grid->cache()->thumbnail(grid->fileAt(0)).isNull(), 10000);
    const QImage first = grid->cache()->thumbnail(grid->fileAt(0));
    QVERIFY(first.width() <= grid->cache()->side() && first.height() <= grid->cache()->side());
    QTest::qWait(200);
    QVERIFY(window.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath("screenshots/page-dataset-images.png")));
}

void MainWindowTest::thumbnailsDecodeLazily()
{
    // 400 slices in a grid that shows about 20: only the cells on screen are decoded, at the top and
    // again after scrolling to the bottom.
    const std::filesystem::path folder = toPath(m_dir.path()) / "many";
    QVector<ThumbnailItem> items;
    for (int i = 0; i < 400; ++i) {
        const std::filesystem::path file = folder / ("slice_" + std::to_string(i) + ".png");
        writePng(file, i);
        items.push_back({QString::fromStdString(file.string()), QString::number(i), QString(), -1});
    }
    ThumbnailGrid grid(64);
    grid.resize(400, 300);
    QSignalSpy ready(grid.cache(), &ThumbnailCache::ready);
    grid.setItems(items);
    grid.show();
    QVERIFY(QTest::qWaitForWindowExposed(&grid));
    const auto visibleRows = [&grid] {
        QSet<int> rows;
        for (int row = 0; row < grid.itemCount(); ++row)
            if (grid.visualRect(grid.model()->index(row, 0)).intersects(grid.viewport()->rect()))
                rows.insert(row);
        return rows;
    };
    const auto decodedRows = [&ready] {
        QSet<int> rows;
        for (const QList<QVariant>& signal : ready)
            rows.insert(QFileInfo(signal.first().toString()).completeBaseName().mid(6).toInt()); // slice_<row>
        return rows;
    };
    const auto describe = [](const QSet<int>& rows) {
        QList<int> sorted = rows.values();
        std::sort(sorted.begin(), sorted.end());
        QStringList text;
        for (const int row : sorted)
            text << QString::number(row);
        return text.join(' ');
    };
    const QSet<int> top = visibleRows();
    QVERIFY2(top.size() >= 4 && top.size() < 100, qPrintable(QString::number(top.size())));
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() >= top.size(), 30000);
    QCoreApplication::processEvents();
    QVERIFY2(decodedRows() == top, qPrintable("decoded " + describe(decodedRows()) + "; on screen " + describe(top)));
    QCOMPARE(grid.cache()->decodesQueued(), int(top.size()));

    grid.scrollToBottom();
    QCoreApplication::processEvents();
    const QSet<int> bottom = visibleRows();
    QVERIFY(bottom.contains(399) && !bottom.intersects(top));
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() >= top.size() + bottom.size(), 30000);
    QCoreApplication::processEvents();
    QVERIFY2(decodedRows() == (top | bottom), qPrintable("decoded " + describe(decodedRows()) + "; on screen " + describe(top | bottom)));
    QCOMPARE(grid.cache()->decodesQueued(), int(top.size() + bottom.size()));
}

void MainWindowTest::splitTableEqualsTheEngine()
{
    MainWindow window;
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    SplitConfig config;
    config.ratios = {0.6, 0.2, 0.2};
    config.seed = 7;
    window.datasetPage()->setSplitConfig(config);
    const DatasetSplit expected = splitDataset(*window.dataset(), config);
    auto* table = window.findChild<QTableWidget*>("splitTable");
    QVERIFY(table);
    for (int c = 0; c < 3; ++c)
        for (int p = 0; p < kSplitParts; ++p)
            QCOMPARE(table->item(c, p + 1)->data(Qt::UserRole).toULongLong(), qulonglong(expected.report.counts[std::size_t(p)][std::size_t(c)].images));
    QVERIFY(window.findChild<QLabel*>("splitStatus")->text().contains("No subject appears in two parts"));
}

void MainWindowTest::sliceSplitShowsTheLeakageWarning()
{
    MainWindow window;
    window.show();
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(QString::fromStdString(m_dataset.string()));
    QVERIFY(loaded.wait(30000));
    auto* warning = window.findChild<QLabel*>("leakageWarning");
    QVERIFY(warning);
    QVERIFY(warning->text().contains("no identifiable subject")); // the extra AD image
    QVERIFY(!warning->text().contains("slice split"));
    SplitConfig config;
    config.mode = SplitMode::BySlice;
    window.datasetPage()->setSplitConfig(config);
    QVERIFY(warning->text().contains("slice split"));
    window.datasetPage()->setSplitConfig(SplitConfig{});
}

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
