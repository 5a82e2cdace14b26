// neurodx: the NeuroDx desktop application. Research use only, not a medical device.
#include "MainWindow.h"
#include "SettingsReset.h"

#include "common/ComputeSetup.h"
#include "common/Platform.h"
#include "common/Version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <atomic>
#include <cstdio>

namespace {

// Set by a termination request (SIGTERM from a session's logout or a service manager, Ctrl-C in the
// terminal that started the GUI). A signal handler may not call Qt, so the event loop polls it and
// closes the window the ordinary way: running jobs are cancelled and the settings saved.
std::atomic<int> terminationRequests{0};

void onTerminationRequest()
{
    if (terminationRequests.fetch_add(1) > 0)
        neurodx::platform::exitNow(neurodx::platform::kInterruptedExitCode); // asked twice: do not wait
}

} // namespace

int main(int argc, char** argv)
{
    neurodx::configureMemoryAllocator(); // before any thread exists: training is 2x faster with it
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("NeuroDx"));
    QApplication::setOrganizationName(QStringLiteral("NeuroDx"));
    QApplication::setApplicationVersion(QString::fromLatin1(neurodx::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/neurodx/icons/neurodx.svg")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.neurodx.NeuroDx")); // packaging/: Wayland's app id

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Alzheimer's disease and MCI classification from 2D brain MRI slices. %1")
                                         .arg(QString::fromLatin1(neurodx::kResearchNotice)));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the built-in synthetic demo dataset."));
    const QCommandLineOption quitAfterLoad(QStringLiteral("quit-after-load"),
                                           QStringLiteral("Quit once the dataset is shown (for smoke tests and screenshots)."));
    const QCommandLineOption resetSettings(QStringLiteral("reset-settings"),
                                           QStringLiteral("Forget the remembered window layout, training settings, recent files and runs folder, then start. "
                                                          "Runs and models stay where they are."));
    parser.addOption(demo);
    parser.addOption(quitAfterLoad);
    parser.addOption(resetSettings);
    parser.addPositionalArgument(QStringLiteral("path"), QStringLiteral("A dataset folder, a run folder, an image (DICOM, PNG, JPEG, BMP, TIFF) or a scan (NIfTI file, DICOM series folder or any file of it) to open."), QStringLiteral("[path]"));
    parser.process(app);

    if (parser.isSet(resetSettings))
        std::printf("NeuroDx: settings reset (%s emptied); runs and models are kept\n", qPrintable(neurodx::ui::resetSettings()));

    neurodx::ui::MainWindow window;
    window.restoreSettings();
    window.show();
    if (parser.isSet(quitAfterLoad)) {
        QObject::connect(&window, &neurodx::ui::MainWindow::datasetLoaded, &app, [] { QTimer::singleShot(200, qApp, &QApplication::quit); });
        QObject::connect(&window, &neurodx::ui::MainWindow::datasetFailed, &app, [] { QApplication::exit(1); });
    }
    neurodx::platform::watchInterrupts(onTerminationRequest);
    QTimer terminationPoll;
    QObject::connect(&terminationPoll, &QTimer::timeout, &window, [&window] {
        if (terminationRequests.load() > 0) {
            // A termination request is the answer already: no "stop the training?" question.
            window.setCloseConfirmation([](const QString&) { return true; });
            window.close();
        }
    });
    terminationPoll.start(200);

    const QStringList paths = parser.positionalArguments();
    if (paths.size() > 1) // the desktop entry passes one (%f); a file manager starts one window per file
        std::fprintf(stderr, "neurodx: opens one path at a time; opening %s and not the %lld others\n", qPrintable(paths.front()),
                     static_cast<long long>(paths.size() - 1));
    if (parser.isSet(demo))
        window.openDemo();
    else if (!paths.isEmpty())
        window.openPath(paths.front());
    const int code = app.exec();
    neurodx::platform::stopWatchingInterrupts();
    return code;
}
