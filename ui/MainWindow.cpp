#include "MainWindow.h"

#include "DatasetDocument.h"
#include "ModelDocument.h"

#include "AboutText.h"
#include "DatasetPage.h"
#include "EvaluationPage.h"
#include "ImportDialog.h"
#include "RunsPage.h"
#include "TrainingPage.h"
#include "TrainingSettingsForm.h"
#include "training/TrainingSettings.h"
#include "TuningPage.h"
#include "ViewerPage.h"

#include "common/BlasLibrary.h"
#include "common/Version.h"
#include "dataset/ClassScheme.h"
#include "tuning/TuningJob.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>

#include <nlohmann/json.hpp>

namespace neurodx::ui {

namespace {
constexpr int kMaxRecent = 10;
const QString kRecentKey = QStringLiteral("recent/paths");

// A class-folder dataset has a subfolder named after a class (CN, AD, MCI or an alias): one listing,
// no file read, so a dataset opens at once without first being searched for scans.
bool hasClassFolders(const QString& folder)
{
    const ClassScheme classes = ClassScheme::adniDefault();
    for (const QString& name : QDir(folder).entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (classes.labelOf(name.toStdString()))
            return true;
    return false;
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_document(new DatasetDocument(this)),
      m_model(new ModelDocument(this)),
      m_sideBar(new QListWidget),
      m_pages(new QStackedWidget),
      m_dataset(new DatasetPage(m_document)),
      m_training(new TrainingPage(m_document)),
      m_evaluation(new EvaluationPage),
      m_tuning(new TuningPage),
      m_runs(new RunsPage),
      m_viewer(new ViewerPage(m_model))
{
    qRegisterMetaType<SharedDatasetIndex>();
    qRegisterMetaType<SharedRunRecord>();
    setWindowTitle(tr("NeuroDx"));
    setObjectName(QStringLiteral("mainWindow"));

    const struct {
        QWidget* page;
        QString name;
        QStyle::StandardPixmap icon;
        QString tip;
    } pages[] = {
        {m_dataset, tr("Dataset"), QStyle::SP_DirIcon, tr("Classes, subjects, images and the split (Ctrl+1)")},
        {m_training, tr("Training"), QStyle::SP_MediaPlay, tr("Train a model and watch its curves (Ctrl+2)")},
        {m_evaluation, tr("Evaluation"), QStyle::SP_FileDialogContentsView, tr("Confusion matrix, metrics, ROC, mistakes (Ctrl+3)")},
        {m_tuning, tr("Tuning"), QStyle::SP_BrowserReload, tr("Hyperband search and the leakage audit (Ctrl+4)")},
        {m_runs, tr("Runs"), QStyle::SP_FileDialogDetailedView, tr("Past runs; compare their curves (Ctrl+5)")},
        {m_viewer, tr("Viewer"), QStyle::SP_DesktopIcon, tr("Open a slice or a scan: window/level, DICOM tags, prediction, Grad-CAM, report (Ctrl+6)")},
    };
    for (const auto& p : pages) {
        auto* item = new QListWidgetItem(style()->standardIcon(p.icon), p.name, m_sideBar);
        item->setToolTip(p.tip);
        m_pages->addWidget(p.page);
    }
    m_sideBar->setObjectName(QStringLiteral("sideBar"));
    m_sideBar->setFixedWidth(m_sideBar->sizeHintForColumn(0) + 36);
    m_sideBar->setIconSize(QSize(20, 20));
    m_sideBar->setSpacing(2);
    connect(m_sideBar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_sideBar->setCurrentRow(0);

    auto* central = new QWidget;
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sideBar);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    // A reference BLAS makes training 30x slower without any other sign: say so once, at start-up.
    if (const std::string slowBlas = blasWarning(loadedBlas()); !slowBlas.empty())
        QTimer::singleShot(0, this, [this, slowBlas] { showError(tr("Slow Matrix Products"), QString::fromStdString(slowBlas)); });

    auto* notice = new QLabel(tr("Research use only - not a medical device"));
    notice->setToolTip(QString::fromLatin1(kResearchNotice));
    statusBar()->addPermanentWidget(notice);
    const auto status = [this](const QString& message) { statusBar()->showMessage(message, 8000); };

    // Dataset -> training, tuning.
    connect(m_dataset, &DatasetPage::statusMessage, this, status);
    connect(m_dataset, &DatasetPage::datasetLoaded, this, [this](const SharedDatasetIndex& index) {
        const QString root = QString::fromStdString(index->root.string());
        m_tuning->setDatasetFolder(root);
        addRecent(root);
        emit datasetLoaded(index);
    });
    connect(m_dataset, &DatasetPage::datasetFailed, this, &MainWindow::datasetFailed);
    m_tuning->setBaseConfigProvider([this] {
        TrainingConfig config = m_training->settings()->config();
        config.split = m_document->splitConfig();
        return config;
    });

    // Training -> evaluation and runs.
    connect(m_training, &TrainingPage::statusMessage, this, status);
    connect(m_training, &TrainingPage::trainingFailed, this, [this](const QString& message) { showError(tr("Training"), message); });
    connect(m_training, &TrainingPage::trainingFinished, this, [this](const QString& folder) {
        m_runs->refresh();
        if (isRunFolder(folder.toStdString())) // not when stopped before its first epoch ended
            m_evaluation->openRunFolder(folder);
    });
    connect(m_evaluation, &EvaluationPage::statusMessage, this, status);
    connect(m_evaluation, &EvaluationPage::evaluationFailed, this, [this](const QString& message) { showError(tr("Evaluation"), message); });
    connect(m_tuning, &TuningPage::statusMessage, this, status);
    connect(m_tuning, &TuningPage::failed, this, [this](const QString& message) { showError(tr("Tuning"), message); });
    connect(m_tuning, &TuningPage::useHyperparameters, this, [this](const HyperparameterValues& values) {
        TrainingConfig config = m_training->settings()->config();
        applyHyperparameters(config, values);
        m_training->settings()->setConfig(config);
        showPage(Page::Training);
        statusBar()->showMessage(tr("The best trial's hyperparameters are in the training settings."), 8000);
    });
    connect(m_runs, &RunsPage::runOpened, this, &MainWindow::showRun);
    connect(m_dataset, &DatasetPage::imageActivated, this, &MainWindow::openImage);
    connect(m_evaluation, &EvaluationPage::imageActivated, this, &MainWindow::openImage);
    connect(m_viewer, &ViewerPage::statusMessage, this, status);
    connect(m_viewer, &ViewerPage::openFailed, this, [this](const QString& message) { showError(tr("Open Image"), message); });
    connect(m_viewer, &ViewerPage::imageOpened, this, &MainWindow::addRecent);
    connect(m_viewer, &ViewerPage::scanOpened, this, [this] { showPage(Page::Viewer); });
    // A newly finished run's best model is what the viewer predicts with next.
    connect(m_training, &TrainingPage::trainingFinished, this, [this](const QString& folder, const QString&, bool) {
        const QString best = QDir(folder).filePath(QStringLiteral("best.pt"));
        if (QFileInfo::exists(best))
            m_model->load(best);
    });
    setAcceptDrops(true);
    connect(m_runs, &RunsPage::failed, this, [this](const QString& message) { showError(tr("Runs"), message); });

    createMenus();
    resize(1280, 800);
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    for (QSplitter* splitter : findChildren<QSplitter*>())
        if (!splitter->objectName().isEmpty())
            splitter->restoreState(settings.value(QStringLiteral("splitters/") + splitter->objectName()).toByteArray());
    m_training->settings()->loadSettings();
    m_dataset->loadSettings();
    m_viewer->loadSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Dataset Folder..."), this, [this] {
        const QString start = QSettings().value(QStringLiteral("dataset/lastFolder"), QDir::homePath()).toString();
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"), start);
        if (!folder.isEmpty())
            openDataset(folder);
    });
    open->setShortcut(QKeySequence::Open);
    open->setStatusTip(tr("Scan a folder with one subfolder per class"));
    QAction* demo = file->addAction(tr("Open &Demo Dataset"), this, &MainWindow::openDemo);
    demo->setShortcut(QKeySequence(tr("Ctrl+D")));
    QAction* openRunAction = file->addAction(tr("Open &Run..."), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Run"), m_runs->root());
        if (!folder.isEmpty())
            openRun(folder);
    });
    openRunAction->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
    QAction* openImageAction = file->addAction(tr("Open &Image..."), this, [this] {
        showPage(Page::Viewer);
        m_viewer->chooseImage();
    });
    openImageAction->setShortcut(QKeySequence(tr("Ctrl+I")));
    openImageAction->setStatusTip(tr("Open a DICOM, NIfTI, PNG, JPEG, BMP or TIFF file in the viewer (a DICOM file of a series opens the scan)"));
    QAction* openScanAction = file->addAction(tr("Open &Scan Folder..."), this, [this] {
        showPage(Page::Viewer);
        m_viewer->chooseScanFolder();
    });
    openScanAction->setShortcut(QKeySequence(tr("Ctrl+Shift+I")));
    openScanAction->setStatusTip(tr("Open a folder holding a DICOM series or a NIfTI scan in the viewer"));
    QAction* importAction = file->addAction(tr("Im&port Scans..."), this, &MainWindow::showImportDialog);
    importAction->setStatusTip(tr("Turn downloaded 3D scans (ADNI DICOM series or NIfTI) into a dataset of slices"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    fillRecentMenu();
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_sideBar->count(); ++i) {
        QAction* action = view->addAction(m_sideBar->item(i)->text(), this, [this, i] { m_sideBar->setCurrentRow(i); });
        action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(i + 1)));
    }
    view->addSeparator();
    QAction* fullScreen = view->addAction(tr("&Full Screen"), this, [this] { setWindowState(windowState() ^ Qt::WindowFullScreen); });
    fullScreen->setShortcut(QKeySequence::FullScreen);

    QMenu* training = menuBar()->addMenu(tr("&Training"));
    training->addAction(tr("&Start"), m_training, &TrainingPage::startTraining);
    training->addAction(tr("&Pause / Continue"), m_training, &TrainingPage::togglePause);
    training->addAction(tr("S&top"), m_training, &TrainingPage::stopTraining);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About NeuroDx"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::openDataset(const QString& folder)
{
    showPage(Page::Dataset);
    m_dataset->openDataset(folder);
}

void MainWindow::openDemo()
{
    // The demo as `neurodx-cli demo` runs it: its dataset and its training settings.
    m_training->settings()->setConfig(demoTrainingConfig());
    m_demoSettingsShown = true;
    showPage(Page::Dataset);
    m_dataset->openDemo();
}

void MainWindow::openRun(const QString& folder)
{
    addRecent(folder);
    m_runs->openRun(folder);
}

void MainWindow::openImage(const QString& file)
{
    showPage(Page::Viewer);
    m_viewer->openImage(file);
}

void MainWindow::openPath(const QString& path)
{
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    if (info.exists() && !info.isDir())
        openImage(absolute);
    else if (isRunFolder(absolute.toStdString()))
        openRun(absolute);
    else if (!info.isDir() || hasClassFolders(absolute))
        openDataset(absolute); // a missing folder too: the dataset page says what is wrong
    else // a scan's folder opens in the viewer (scanOpened shows it); any other folder as a dataset
        m_viewer->openPath(absolute, [this](const QString& folder) { openDataset(folder); });
}

ImportDialog* MainWindow::showImportDialog()
{
    if (!m_import) {
        m_import = new ImportDialog(this);
        m_import->loadSettings(); // the folders and choices of the last import
        connect(m_import, &ImportDialog::openDatasetRequested, this, &MainWindow::openDataset);
    }
    m_import->show();
    m_import->raise();
    m_import->activateWindow();
    return m_import;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    openPath(event->mimeData()->urls().front().toLocalFile());
    event->acceptProposedAction();
}

void MainWindow::showRun(const SharedRunRecord& run)
{
    m_training->showRun(*run);
    m_evaluation->showRun(run);
    showPage(Page::Evaluation);
    statusBar()->showMessage(tr("Run %1 opened.").arg(QDir::toNativeSeparators(QString::fromStdString(run->folder.string()))), 8000);
    emit runOpened(run);
}

void MainWindow::showPage(Page page)
{
    m_sideBar->setCurrentRow(static_cast<int>(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_sideBar->currentRow());
}

SharedDatasetIndex MainWindow::dataset() const
{
    return m_dataset->dataset();
}

bool MainWindow::isScanning() const
{
    return m_dataset->isScanning();
}

bool MainWindow::isBusy() const
{
    return m_dataset->isScanning() || m_training->isTraining() || m_evaluation->isEvaluating() || m_tuning->isBusy() || m_viewer->isBusy() ||
           (m_import && m_import->isBusy());
}

void MainWindow::addRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    fillRecentMenu();
}

void MainWindow::fillRecentMenu()
{
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openPath(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, 15000);
    // Not modal: a message never blocks a running job or the event loop.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName(QStringLiteral("errorMessage"));
    box->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About NeuroDx"), aboutText());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_training->isTraining() || m_tuning->isBusy()) {
        const QString question = tr("A training or search is running. Stop it and quit? Its checkpoints so far are kept.");
        const bool stop = m_confirmClose ? m_confirmClose(question)
                                         : QMessageBox::question(this, tr("Quit NeuroDx"), question) == QMessageBox::Yes;
        if (!stop) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    for (QSplitter* splitter : findChildren<QSplitter*>())
        if (!splitter->objectName().isEmpty())
            settings.setValue(QStringLiteral("splitters/") + splitter->objectName(), splitter->saveState());
    // The demo's preset is the demo's, not the user's choice: unchanged, it does not replace what the
    // user chose before (a training started with it has saved it already).
    const bool untouchedDemo = m_demoSettingsShown && toJson(m_training->settings()->config()) == toJson(demoTrainingConfig());
    if (!untouchedDemo)
        m_training->settings()->saveSettings();
    m_dataset->saveSettings();
    // Cancel every job and wait for it here, so nothing runs on while the window goes away.
    m_dataset->cancelScan();
    m_training->cancelAndWait();
    m_tuning->cancelAndWait();
    m_evaluation->cancelAndWait();
    m_runs->cancelAndWait();
    m_viewer->cancelAndWait();
    event->accept();
}

} // namespace neurodx::ui
