#include "DatasetPage.h"

#include "DatasetDocument.h"

#include "ClassColors.h"
#include "ClassCountChart.h"
#include "ThumbnailGrid.h"
#include "JobRunner.h"

#include "common/NeuroDxError.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace neurodx::ui {

namespace {

QTableWidgetItem* numberItem(std::size_t value)
{
    auto* item = new QTableWidgetItem(QLocale().toString(static_cast<qulonglong>(value)));
    item->setData(Qt::UserRole, static_cast<qulonglong>(value));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QTableWidget* readOnlyTable(int columns, const QStringList& headers, const QString& objectName)
{
    auto* table = new QTableWidget(0, columns);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table->verticalHeader()->setVisible(false);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    return table;
}

constexpr int kFileRole = Qt::UserRole + 1;

} // namespace

DatasetPage::DatasetPage(DatasetDocument* document, QWidget* parent)
    : QWidget(parent),
      m_document(document),
      m_title(new QLabel(tr("Open a dataset folder with one subfolder per class (CN, MCI, AD), or the built-in demo."))),
      m_progress(new QProgressBar),
      m_cancel(new QPushButton(tr("Cancel"))),
      m_classTree(new QTreeWidget),
      m_tabs(new QTabWidget),
      m_chart(new ClassCountChart),
      m_countTable(readOnlyTable(4, {tr("Class"), tr("Images"), tr("Subjects"), tr("Without subject")}, QStringLiteral("classCountTable"))),
      m_warnings(new QLabel),
      m_skippedTree(new QTreeWidget),
      m_grid(new ThumbnailGrid(96)),
      m_splitMode(new QComboBox),
      m_seed(new QSpinBox),
      m_splitTable(readOnlyTable(4, {tr("Class"), tr("Train: images (subjects)"), tr("Validation: images (subjects)"), tr("Test: images (subjects)")},
                                 QStringLiteral("splitTable"))),
      m_leakageWarning(new QLabel),
      m_splitStatus(new QLabel),
      m_scan(new JobRunner(this))
{
    setObjectName(QStringLiteral("datasetPage"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* openButton = new QPushButton(tr("Open Folder..."));
    openButton->setToolTip(tr("Scan a folder with one subfolder per class (Ctrl+O)"));
    connect(openButton, &QPushButton::clicked, this, [this] {
        QSettings settings;
        const QString start = settings.value(QStringLiteral("dataset/lastFolder"), QDir::homePath()).toString();
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"), start);
        if (!folder.isEmpty())
            openDataset(folder);
    });
    auto* demoButton = new QPushButton(tr("Demo Dataset"));
    demoButton->setToolTip(tr("Open the built-in synthetic phantom dataset (written once into the cache folder)"));
    connect(demoButton, &QPushButton::clicked, this, &DatasetPage::openDemo);
    m_progress->setRange(0, 0);
    m_progress->setMaximumWidth(160);
    m_progress->hide();
    m_cancel->hide();
    m_cancel->setToolTip(tr("Stop the running scan"));
    connect(m_cancel, &QPushButton::clicked, this, &DatasetPage::cancelScan);
    auto* top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(m_progress);
    top->addWidget(m_cancel);
    top->addWidget(openButton);
    top->addWidget(demoButton);

    m_classTree->setObjectName(QStringLiteral("classTree"));
    m_classTree->setHeaderLabels({tr("Class / subject / file"), tr("Images")});
    m_classTree->setToolTip(tr("Classes, their subjects and files; select one to see its thumbnails"));
    m_classTree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_classTree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_classTree->setMinimumWidth(m_classTree->fontMetrics().horizontalAdvance(tr("Class / subject / file") + tr("Images")) + 64); // headers never cut
    m_classTree->setUniformRowHeights(true);
    connect(m_classTree, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (!item)
            return;
        if (!item->data(0, kFileRole).toString().isEmpty())
            return; // a file: its thumbnail is already in the grid of its subject
        const bool isClass = !item->parent();
        showFilesOf(isClass ? item->text(0) : item->parent()->text(0),
                    isClass ? std::nullopt : std::optional<QString>(item->data(0, Qt::UserRole).toString()));
        m_tabs->setCurrentWidget(m_grid);
    });
    connect(m_classTree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString file = item->data(0, kFileRole).toString();
        if (!file.isEmpty())
            emit imageActivated(file);
    });

    m_grid->setObjectName(QStringLiteral("thumbnailGrid"));
    m_grid->setToolTip(tr("Thumbnails of the selected class or subject; double-click opens one in the viewer"));
    connect(m_grid, &ThumbnailGrid::fileActivated, this, &DatasetPage::imageActivated);
    m_skippedTree->setObjectName(QStringLiteral("skippedTree"));
    m_skippedTree->setHeaderLabels({tr("Skipped file"), tr("Reason")});
    m_skippedTree->setToolTip(tr("Files the scan passed over, grouped by reason"));

    m_tabs->addTab(createOverviewTab(), tr("Overview"));
    m_tabs->addTab(m_grid, tr("Images"));
    m_tabs->addTab(m_skippedTree, tr("Skipped"));
    m_tabs->addTab(createSplitTab(), tr("Split"));

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("datasetSplitter"));
    splitter->addWidget(m_classTree);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
}

DatasetPage::~DatasetPage() = default;

QWidget* DatasetPage::createOverviewTab()
{
    m_countTable->setToolTip(tr("Images and distinct subjects per class. Images without a subject id are split one by one."));
    m_warnings->setObjectName(QStringLiteral("warningsLabel"));
    m_warnings->setWordWrap(true);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_countTable);
    leftLayout->addWidget(m_warnings);
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(left);
    splitter->addWidget(m_chart);
    return splitter;
}

QWidget* DatasetPage::createSplitTab()
{
    const SplitConfig defaults; // the engine's; loadSettings() brings the user's
    m_splitMode->addItem(tr("By subject (no subject in two parts)"), static_cast<int>(SplitMode::BySubject));
    m_splitMode->addItem(tr("By slice (the seed's way: leaks subjects)"), static_cast<int>(SplitMode::BySlice));
    m_splitMode->setToolTip(tr("A slice split puts slices of one person into training and test: accuracy then measures recognising people"));
    const QStringList names{tr("Train"), tr("Validation"), tr("Test")};
    auto* form = new QFormLayout;
    form->addRow(tr("Split"), m_splitMode);
    for (int p = 0; p < kSplitParts; ++p) {
        m_ratios[p] = new QDoubleSpinBox;
        m_ratios[p]->setRange(0.0, 1.0);
        m_ratios[p]->setSingleStep(0.05);
        m_ratios[p]->setDecimals(2);
        m_ratios[p]->setValue(defaults.ratios[static_cast<std::size_t>(p)]);
        m_ratios[p]->setToolTip(tr("Share of each class's images in the %1 part").arg(names[p].toLower()));
        form->addRow(names[p], m_ratios[p]);
        connect(m_ratios[p], &QDoubleSpinBox::valueChanged, this, &DatasetPage::updateSplit);
    }
    m_seed->setRange(0, 999999);
    m_seed->setValue(static_cast<int>(defaults.seed));
    m_seed->setToolTip(tr("The same seed gives the same split on every machine"));
    form->addRow(tr("Seed"), m_seed);
    m_splitMode->setCurrentIndex(defaults.mode == SplitMode::BySlice ? 1 : 0);
    connect(m_splitMode, &QComboBox::currentIndexChanged, this, &DatasetPage::updateSplit);
    connect(m_seed, &QSpinBox::valueChanged, this, &DatasetPage::updateSplit);

    m_leakageWarning->setObjectName(QStringLiteral("leakageWarning"));
    m_leakageWarning->setWordWrap(true);
    m_leakageWarning->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; border-radius: 4px; }"));
    m_leakageWarning->hide();
    m_splitStatus->setWordWrap(true);
    m_splitStatus->setObjectName(QStringLiteral("splitStatus"));
    m_splitTable->setToolTip(tr("Each cell: images, and in brackets the distinct subjects they come from, per class and part"));

    auto* widget = new QWidget;
    auto* layout = new QVBoxLayout(widget);
    layout->addLayout(form);
    layout->addWidget(m_leakageWarning);
    layout->addWidget(m_splitStatus);
    layout->addWidget(m_splitTable, 1);
    return widget;
}

SplitConfig DatasetPage::splitConfig() const
{
    SplitConfig config;
    config.mode = static_cast<SplitMode>(m_splitMode->currentData().toInt());
    for (int p = 0; p < kSplitParts; ++p)
        config.ratios[static_cast<std::size_t>(p)] = m_ratios[p]->value();
    config.seed = static_cast<std::uint64_t>(m_seed->value());
    return config;
}

void DatasetPage::setSplitConfig(const SplitConfig& config)
{
    m_splitMode->setCurrentIndex(config.mode == SplitMode::BySlice ? 1 : 0);
    for (int p = 0; p < kSplitParts; ++p)
        m_ratios[p]->setValue(config.ratios[static_cast<std::size_t>(p)]);
    m_seed->setValue(static_cast<int>(config.seed));
}

void DatasetPage::loadSettings()
{
    const QSettings settings;
    SplitConfig config;
    config.mode = settings.value(QStringLiteral("split/mode"), 0).toInt() == 1 ? SplitMode::BySlice : SplitMode::BySubject;
    for (int p = 0; p < kSplitParts; ++p)
        config.ratios[static_cast<std::size_t>(p)] =
            settings.value(QStringLiteral("split/ratio%1").arg(p), config.ratios[static_cast<std::size_t>(p)]).toDouble();
    config.seed = settings.value(QStringLiteral("split/seed"), static_cast<qulonglong>(config.seed)).toULongLong();
    setSplitConfig(config);
}

void DatasetPage::saveSettings() const
{
    const SplitConfig config = splitConfig();
    QSettings settings;
    settings.setValue(QStringLiteral("split/mode"), config.mode == SplitMode::BySlice ? 1 : 0);
    for (int p = 0; p < kSplitParts; ++p)
        settings.setValue(QStringLiteral("split/ratio%1").arg(p), config.ratios[static_cast<std::size_t>(p)]);
    settings.setValue(QStringLiteral("split/seed"), static_cast<qulonglong>(config.seed));
}

bool DatasetPage::isScanning() const
{
    return m_scan->isBusy();
}

void DatasetPage::openDataset(const QString& folder)
{
    startScan(new ScanWorker(folder), folder);
}

void DatasetPage::openDemo()
{
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const QString folder = QDir(cache.isEmpty() ? QDir::tempPath() : cache).filePath(QStringLiteral("demo-dataset"));
    // Written once; later starts only scan it (the generator is deterministic, so nothing is lost).
    const bool exists = QFileInfo::exists(QDir(folder).filePath(QStringLiteral("metadata.csv")));
    startScan(exists ? new ScanWorker(folder) : new ScanWorker(folder, PhantomOptions{}), folder);
}

void DatasetPage::cancelScan()
{
    m_scan->cancel();
    m_progress->hide();
    m_cancel->hide();
}

void DatasetPage::startScan(ScanWorker* worker, const QString& folder)
{
    cancelScan();
    m_title->setText(tr("Scanning %1 ...").arg(QDir::toNativeSeparators(folder)));
    m_progress->show();
    m_cancel->show();
    m_scan->deliver(worker, &ScanWorker::progressed, this, &DatasetPage::statusMessage);
    m_scan->deliver(worker, &ScanWorker::finished, this, [this, folder](const SharedDatasetIndex& index) {
        cancelScan();
        QSettings().setValue(QStringLiteral("dataset/lastFolder"), folder);
        showDataset(index);
    });
    m_scan->deliver(worker, &ScanWorker::failed, this, [this](const QString& message) {
        cancelScan();
        showFailure(message);
    });
    m_scan->start(worker, [worker] { worker->start(); }, [worker] { worker->requestStop(); });
}

SharedDatasetIndex DatasetPage::dataset() const
{
    return m_document->index();
}

const DatasetSplit* DatasetPage::split() const
{
    return m_document->split().get();
}

void DatasetPage::showDataset(const SharedDatasetIndex& index)
{
    m_document->setIndex(index);
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
        if (!group)
            group = new QTreeWidgetItem(m_skippedTree, {QString(), QString::fromStdString(s.reason)});
        new QTreeWidgetItem(group, {QString::fromStdString(s.path), QString::fromStdString(s.reason)});
    }
    for (auto& [reason, group] : byReason)
        group->setText(0, group->childCount() == 1 ? tr("1 file") : tr("%L1 files").arg(group->childCount()));
    m_skippedTree->resizeColumnToContents(0);

    QStringList warnings;
    for (const std::string& w : index->warnings)
        warnings << QString::fromStdString(w).toHtmlEscaped();
    m_warnings->setText(warnings.isEmpty() ? QString()
                                           : QStringLiteral("<b>%1</b><ul><li>%2</li></ul>").arg(tr("Warnings"), warnings.join(QStringLiteral("</li><li>"))));
    m_title->setText(tr("<b>%1</b>: %L2 images, %L3 subjects, %L4 skipped files")
                         .arg(QDir::toNativeSeparators(QString::fromStdString(index->root.string())).toHtmlEscaped())
                         .arg(static_cast<qulonglong>(index->entries.size()))
                         .arg(static_cast<qulonglong>(index->totalSubjects()))
                         .arg(static_cast<qulonglong>(index->skipped.size())));
    fillClassTree();
    showFilesOf(QString(), std::nullopt);
    updateSplit();
    emit statusMessage(tr("Scan finished."));
    emit datasetLoaded(index);
}

void DatasetPage::showFailure(const QString& message)
{
    m_title->setText(message.toHtmlEscaped());
    emit statusMessage(message);
    emit datasetFailed(message);
}

void DatasetPage::fillClassTree()
{
    m_classTree->clear();
    std::vector<std::map<std::string, std::vector<const DatasetEntry*>>> bySubject(m_document->index()->classNames.size());
    for (const DatasetEntry& e : m_document->index()->entries)
        bySubject.at(static_cast<std::size_t>(e.label))[e.hasSubject() ? e.subject : std::string()].push_back(&e);
    for (std::size_t c = 0; c < bySubject.size(); ++c) {
        auto* classItem = new QTreeWidgetItem(m_classTree, {QString::fromStdString(m_document->index()->classNames[c])});
        classItem->setForeground(0, classColor(static_cast<int>(c)));
        std::size_t images = 0;
        for (const auto& [subject, entries] : bySubject[c]) {
            auto* subjectItem = new QTreeWidgetItem(classItem, {subject.empty() ? tr("(no subject id)") : QString::fromStdString(subject),
                                                                 QString::number(entries.size())});
            subjectItem->setData(0, Qt::UserRole, QString::fromStdString(subject));
            for (const DatasetEntry* e : entries) {
                auto* fileItem = new QTreeWidgetItem(subjectItem, {QString::fromStdString(e->path).section(QLatin1Char('/'), -1)});
                fileItem->setData(0, kFileRole, QString::fromStdString(m_document->index()->absolutePath(*e).string()));
                fileItem->setToolTip(0, QString::fromStdString(e->path));
            }
            images += entries.size();
        }
        classItem->setText(1, QString::number(images));
    }
}

void DatasetPage::showFilesOf(const QString& className, const std::optional<QString>& subject)
{
    QVector<ThumbnailItem> items;
    if (!m_document->isOpen()) {
        m_grid->setItems(items);
        return;
    }
    for (const DatasetEntry& e : m_document->index()->entries) {
        const QString name = QString::fromStdString(m_document->index()->classNames.at(static_cast<std::size_t>(e.label)));
        if (!className.isEmpty() && name != className)
            continue;
        if (subject && QString::fromStdString(e.subject) != *subject)
            continue;
        ThumbnailItem item;
        item.file = QString::fromStdString(m_document->index()->absolutePath(e).string());
        item.caption = QString::fromStdString(e.path).section(QLatin1Char('/'), -1).left(24);
        item.toolTip = tr("%1\nclass %2, subject %3").arg(QString::fromStdString(e.path), name,
                                                         e.hasSubject() ? QString::fromStdString(e.subject) : tr("unknown"));
        item.label = e.label;
        items.push_back(item);
    }
    m_grid->setItems(std::move(items));
}

void DatasetPage::updateSplit()
{
    const SplitConfig config = splitConfig();

    QStringList risks;
    if (config.mode == SplitMode::BySlice)
        risks << tr("A slice split puts slices of the same person into training and test. Test accuracy then rewards recognising "
                    "people rather than disease (Yagis et al. 2021): use it only to compare with the seed.");
    if (m_document->isOpen() && m_document->index()->imagesWithoutSubject() > 0)
        risks << tr("%L1 images have no identifiable subject; each is split on its own, so slices of one person may still meet "
                    "in two parts. Add an ADNI metadata CSV or keep ADNI file names.")
                     .arg(static_cast<qulonglong>(m_document->index()->imagesWithoutSubject()));
    m_leakageWarning->setText(risks.join(QStringLiteral("\n\n")));
    m_leakageWarning->setVisible(!risks.isEmpty());

    m_splitTable->setRowCount(0);
    m_document->setSplitConfig(config);
    if (!m_document->isOpen())
        return;
    if (!m_document->split()) {
        m_splitStatus->setText(m_document->splitProblem());
        return;
    }
    const SplitReport& report = m_document->split()->report;
    const int classes = static_cast<int>(m_document->index()->classNames.size());
    m_splitTable->setRowCount(classes + 1);
    const auto cellText = [](const PartCounts& counts) {
        return QStringLiteral("%L1 (%L2)").arg(static_cast<qulonglong>(counts.images)).arg(static_cast<qulonglong>(counts.subjects));
    };
    for (int c = 0; c <= classes; ++c) {
        auto* name = new QTableWidgetItem(c < classes ? QString::fromStdString(m_document->index()->classNames[static_cast<std::size_t>(c)]) : tr("Total"));
        if (c < classes)
            name->setForeground(classColor(c));
        m_splitTable->setItem(c, 0, name);
        for (int p = 0; p < kSplitParts; ++p) {
            const PartCounts counts = c < classes ? report.counts[static_cast<std::size_t>(p)][static_cast<std::size_t>(c)] : report.totals[static_cast<std::size_t>(p)];
            auto* item = new QTableWidgetItem(cellText(counts));
            item->setData(Qt::UserRole, static_cast<qulonglong>(counts.images));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_splitTable->setItem(c, p + 1, item);
        }
    }
    QStringList status;
    status << (report.sharedSubjects.empty() ? tr("No subject appears in two parts.")
                                             : tr("%L1 subjects appear in more than one part.").arg(static_cast<qulonglong>(report.sharedSubjects.size())));
    for (const std::string& w : report.warnings)
        status << QString::fromStdString(w);
    m_splitStatus->setText(status.join(QLatin1Char(' ')));
}

} // namespace neurodx::ui
