#include "MainWindow.h"

#include "AboutText.h"
#include "ClassColors.h"
#include "ClassCountChart.h"

#include "common/Version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableWidget>
#include <QThread>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>

namespace neurodx::ui {

namespace {

QTableWidgetItem* numberItem(std::size_t value)
{
    auto* item = new QTableWidgetItem(QLocale().toString(static_cast<qulonglong>(value)));
    item->setData(Qt::UserRole, static_cast<qulonglong>(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_chart(new ClassCountChart),
      m_countTable(new QTableWidget(0, 4)),
      m_skippedTree(new QTreeWidget),
      m_warnings(new QLabel),
      m_title(new QLabel(tr("Open a dataset folder with one subfolder per class (CN, MCI, AD), or the built-in demo."))),
      m_progress(new QProgressBar),
      m_cancel(new QPushButton(tr("Cancel")))
{
    qRegisterMetaType<SharedDatasetIndex>();
    setWindowTitle(tr("NeuroDx"));
    setObjectName(QStringLiteral("mainWindow"));

    m_countTable->setObjectName(QStringLiteral("classCountTable"));
    m_countTable->setHorizontalHeaderLabels({tr("Class"), tr("Images"), tr("Subjects"), tr("Without subject")});
    m_countTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_countTable->verticalHeader()->setVisible(false);
    m_countTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_countTable->setToolTip(tr("Images and distinct subjects per class. Images without a subject id are split one by one."));
    m_skippedTree->setObjectName(QStringLiteral("skippedTree"));
    m_skippedTree->setHeaderLabels({tr("Skipped file"), tr("Reason")});
    m_skippedTree->setToolTip(tr("Files the scan passed over, grouped by reason"));
    m_warnings->setObjectName(QStringLiteral("warningsLabel"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(m_title);
    leftLayout->addWidget(m_countTable);
    leftLayout->addWidget(m_warnings);
    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(left);
    top->addWidget(m_chart);
    auto* main = new QSplitter(Qt::Vertical);
    main->setObjectName(QStringLiteral("mainSplitter"));
    main->addWidget(top);
    main->addWidget(m_skippedTree);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    setCentralWidget(main);

    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(160);
    m_progress->hide();
    m_cancel->hide();
    m_cancel->setToolTip(tr("Stop the running scan"));
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_worker)
            m_worker->requestStop();
    });
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    auto* notice = new QLabel(tr("Research use only - not a medical device"));
    notice->setToolTip(QString::fromLatin1(kResearchNotice));
    statusBar()->addPermanentWidget(notice);

    createMenus();
    const QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray()))
        resize(1100, 720);
}

MainWindow::~MainWindow()
{
    stopWorker();
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Dataset Folder..."), this, &MainWindow::chooseDatasetFolder);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Scan a folder with one subfolder per class"));
    QAction* demo = file->addAction(tr("Open &Demo Dataset"), this, &MainWindow::openDemo);
    demo->setShortcut(QKeySequence(tr("Ctrl+D")));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About NeuroDx"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::chooseDatasetFolder()
{
    QSettings settings;
    const QString start = settings.value(QStringLiteral("dataset/lastFolder"), QDir::homePath()).toString();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"), start);
    if (folder.isEmpty())
        return;
    settings.setValue(QStringLiteral("dataset/lastFolder"), folder);
    openDataset(folder);
}

void MainWindow::openDataset(const QString& folder)
{
    startWorker(new ScanWorker(folder), folder);
}

void MainWindow::openDemo()
{
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const QString folder = QDir(cache.isEmpty() ? QDir::tempPath() : cache).filePath(QStringLiteral("demo-dataset"));
    // Written once; later starts only scan it (the generator is deterministic, so nothing is lost).
    const bool exists = QFileInfo::exists(QDir(folder).filePath(QStringLiteral("metadata.csv")));
    startWorker(exists ? new ScanWorker(folder) : new ScanWorker(folder, PhantomOptions{}), folder);
}

void MainWindow::startWorker(ScanWorker* worker, const QString& folder)
{
    stopWorker();
    m_title->setText(tr("Scanning %1 ...").arg(QDir::toNativeSeparators(folder)));
    m_progress->show();
    m_cancel->show();

    m_thread = new QThread(this);
    m_worker = worker;
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &ScanWorker::start);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &ScanWorker::progressed, this, [this](const QString& message) { statusBar()->showMessage(message); });
    connect(worker, &ScanWorker::finished, this, [this](const SharedDatasetIndex& index) {
        stopWorker();
        showDataset(index);
    });
    connect(worker, &ScanWorker::failed, this, [this](const QString& message) {
        stopWorker();
        showFailure(message);
    });
    m_thread->start();
}

void MainWindow::stopWorker()
{
    if (!m_thread)
        return;
    if (m_worker)
        m_worker->requestStop();
    m_thread->quit();
    m_thread->wait();
    delete m_thread; // the worker goes with the thread's finished signal
    m_thread = nullptr;
    m_progress->hide();
    m_cancel->hide();
}

void MainWindow::showDataset(const SharedDatasetIndex& index)
{
    m_dataset = index;
    const auto summaries = index->classSummaries();
    QStringList names;
    std::vector<double> images, subjects;
    m_countTable->setRowCount(static_cast<int>(summaries.size()) + 1);
    for (std::size_t c = 0; c < summaries.size(); ++c) {
        const int row = static_cast<int>(c);
        names << QString::fromStdString(index->classNames[c]);
        auto* nameItem = new QTableWidgetItem(names.back());
        nameItem->setForeground(classColor(row));
        m_countTable->setItem(row, 0, nameItem);
        m_countTable->setItem(row, 1, numberItem(summaries[c].images));
        m_countTable->setItem(row, 2, numberItem(summaries[c].subjects));
        m_countTable->setItem(row, 3, numberItem(summaries[c].imagesWithoutSubject));
        images.push_back(static_cast<double>(summaries[c].images));
        subjects.push_back(static_cast<double>(summaries[c].subjects));
    }
    const int totalRow = static_cast<int>(summaries.size());
    m_countTable->setItem(totalRow, 0, new QTableWidgetItem(tr("Total")));
    m_countTable->setItem(totalRow, 1, numberItem(index->entries.size()));
    m_countTable->setItem(totalRow, 2, numberItem(index->totalSubjects()));
    m_countTable->setItem(totalRow, 3, numberItem(index->imagesWithoutSubject()));
    m_chart->setCounts(names, images, subjects);

    m_skippedTree->clear();
    std::map<std::string, QTreeWidgetItem*> byReason;
    for (const SkippedFile& s : index->skipped) {
        QTreeWidgetItem*& group = byReason[s.reason];
        if (!group) {
            group = new QTreeWidgetItem(m_skippedTree, {QString(), QString::fromStdString(s.reason)});
        }
        new QTreeWidgetItem(group, {QString::fromStdString(s.path), QString::fromStdString(s.reason)});
    }
    for (auto& [reason, group] : byReason)
        group->setText(0, group->childCount() == 1 ? tr("1 file") : tr("%L1 files").arg(group->childCount()));
    m_skippedTree->resizeColumnToContents(0);

    QStringList warnings;
    for (const std::string& w : index->warnings)
        warnings << QString::fromStdString(w).toHtmlEscaped();
    m_warnings->setText(warnings.isEmpty() ? QString() : QStringLiteral("<b>%1</b><ul><li>%2</li></ul>").arg(tr("Warnings"), warnings.join(QStringLiteral("</li><li>"))));
    m_title->setText(tr("<b>%1</b>: %L2 images, %L3 subjects, %L4 skipped files")
                         .arg(QDir::toNativeSeparators(QString::fromStdString(index->root.string())).toHtmlEscaped())
                         .arg(static_cast<qulonglong>(index->entries.size()))
                         .arg(static_cast<qulonglong>(index->totalSubjects()))
                         .arg(static_cast<qulonglong>(index->skipped.size())));
    statusBar()->showMessage(tr("Scan finished."), 5000);
    emit datasetLoaded(index);
}

void MainWindow::showFailure(const QString& message)
{
    m_title->setText(message.toHtmlEscaped());
    statusBar()->showMessage(message, 10000);
    emit datasetFailed(message);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About NeuroDx"), aboutText());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    stopWorker();
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    event->accept();
}

} // namespace neurodx::ui
