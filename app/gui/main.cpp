// neurodx: the NeuroDx desktop application. Research use only, not a medical device.
#include "MainWindow.h"
#include "SettingsReset.h"

#include "common/ComputeSetup.h"
#include "common/Version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    neurodx::configureMemoryAllocator(); // before any thread exists: training is 2x faster with it
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("NeuroDx"));
    QApplication::setOrganizationName(QStringLiteral("NeuroDx"));
    QApplication::setApplicationVersion(QString::fromLatin1(neurodx::kVersion));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/neurodx/icons/neurodx.svg")));

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
    const QStringList paths = parser.positionalArguments();
    if (parser.isSet(demo))
        window.openDemo();
    else if (!paths.isEmpty())
        window.openPath(paths.front());
    return app.exec();
}
