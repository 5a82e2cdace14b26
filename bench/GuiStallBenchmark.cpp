// The GUI's event loop while NeuroDx works: the longest stall (time between two ticks of a 5 ms
// timer) during a real 256x256 training with live curves, and while scrolling a grid of 5,000
// thumbnails that decode lazily. Run offscreen: QT_QPA_PLATFORM=offscreen build/bin/neurodx-bench-gui
#include "MainWindow.h"
#include "DatasetPage.h"
#include "RunsLocation.h"
#include "ThumbnailGrid.h"
#include "TrainingPage.h"
#include "TrainingSettingsForm.h"

#include "common/ComputeSetup.h"
#include "synthetic/PhantomGenerator.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace neurodx;
using namespace neurodx::ui;

namespace {

class StallMeter {
public:
    StallMeter()
    {
        m_clock.start();
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 gap = m_clock.restart();
            m_longest = std::max(m_longest, gap);
            ++m_ticks;
        });
        m_timer.start(5);
    }
    qint64 longestMs() const { return m_longest; }
    long ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_longest = 0;
    long m_ticks = 0;
};

bool waitFor(QSignalSpy& spy, int ms)
{
    return spy.count() > 0 || spy.wait(ms);
}

} // namespace

int main(int argc, char** argv)
{
    configureMemoryAllocator();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("NeuroDx-bench"));
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    setRunsRoot(dir.filePath(QStringLiteral("runs")));

    PhantomOptions options;
    options.subjectsPerClass = 8;
    options.slicesPerSubject = 10;
    options.size = 256;
    writeSyntheticDataset(dir.filePath(QStringLiteral("train")).toStdString(), options);

    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QSignalSpy loaded(&window, &MainWindow::datasetLoaded);
    window.openDataset(dir.filePath(QStringLiteral("train")));
    if (!waitFor(loaded, 60000))
        return 1;
    TrainingConfig config = window.trainingPage()->settings()->config();
    config.model.architecture = neurodx::Architecture::Tuned;
    config.input = {256, 1};
    config.epochs = 3;
    config.earlyStopping.enabled = false;
    config.threads = 0;
    window.trainingPage()->settings()->setConfig(config);
    window.showPage(MainWindow::Page::Training);
    QSignalSpy finished(window.trainingPage(), &TrainingPage::trainingFinished);
    {
        StallMeter meter;
        QElapsedTimer clock;
        clock.start();
        window.trainingPage()->startTraining();
        if (!waitFor(finished, 600000))
            return 1;
        std::printf("gui       training tuned 256x256, %d slices x 3 epochs with live curves: longest event-loop stall %lld ms (%ld ticks in %.1f s)\n",
                    int(window.dataset()->entries.size()), meter.longestMs(), meter.ticks(), clock.elapsed() / 1000.0);
    }

    // 5,000 thumbnails: 50 distinct 256x256 files repeated (paths differ, so each decodes).
    PhantomOptions many;
    many.subjectsPerClass = 2;
    many.slicesPerSubject = 10;
    many.size = 256;
    writeSyntheticDataset(dir.filePath(QStringLiteral("grid")).toStdString(), many);
    QVector<ThumbnailItem> items;
    const QDir grid(dir.filePath(QStringLiteral("grid")));
    QStringList files;
    for (const QString& cls : grid.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        for (const QString& subject : QDir(grid.filePath(cls)).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            for (const QString& f : QDir(grid.filePath(cls + "/" + subject)).entryList(QDir::Files))
                files << grid.filePath(cls + "/" + subject + "/" + f);
    for (int i = 0; i < 5000; ++i) {
        const QString target = dir.filePath(QStringLiteral("many/%1.png").arg(i));
        QDir().mkpath(QFileInfo(target).absolutePath());
        QFile::link(files[i % files.size()], target);
        items.push_back({target, QString::number(i), QString(), i % 3});
    }
    window.showPage(MainWindow::Page::Dataset);
    ThumbnailGrid* thumbnails = window.datasetPage()->thumbnails();
    thumbnails->window()->findChild<QTabWidget*>()->setCurrentWidget(thumbnails);
    {
        StallMeter meter;
        QElapsedTimer clock;
        clock.start();
        thumbnails->setItems(items);
        QScrollBar* bar = thumbnails->verticalScrollBar();
        QApplication::processEvents();
        for (int step = 0; step <= 200; ++step) {
            bar->setValue(bar->maximum() * step / 200);
            QElapsedTimer frame;
            frame.start();
            while (frame.elapsed() < 20)
                QApplication::processEvents(QEventLoop::AllEvents, 5);
        }
        std::printf("gui       scrolling 5,000 thumbnails top to bottom in 200 steps: longest event-loop stall %lld ms (%.1f s)\n", meter.longestMs(),
                    clock.elapsed() / 1000.0);
    }
    window.setCloseConfirmation([](const QString&) { return true; });
    window.close();
    return 0;
}
