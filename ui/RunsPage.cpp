#include "RunsPage.h"

#include "PlotLegend.h"

#include "RunsLocation.h"
#include "JobRunner.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cmath>

namespace neurodx::ui {

namespace {

const QColor kRunColours[] = {QColor(0, 114, 178), QColor(213, 94, 0), QColor(0, 158, 115), QColor(204, 121, 167),
                              QColor(230, 159, 0), QColor(86, 180, 233), QColor(0, 0, 0)};

QString figure(const nlohmann::json& metrics, const char* level, const char* name)
{
    if (!metrics.is_object() || !metrics.contains(level) || !metrics[level].contains(name) || !metrics[level][name].is_number())
        return QStringLiteral("-");
    return QString::number(metrics[level][name].get<double>(), 'f', 3);
}

// "128 px x 1" from config.json's training.input; "-" when the run does not say.
QString inputText(const nlohmann::json& config)
{
    const nlohmann::json input = config.value("training", nlohmann::json::object()).value("input", nlohmann::json::object());
    if (!input.is_object() || !input.value("size", nlohmann::json()).is_number_integer())
        return QStringLiteral("-");
    return QStringLiteral("%1 px x %2").arg(input["size"].get<int>()).arg(input.value("channels", 1));
}

// "subject 0.70/0.15/0.15, seed 42" from config.json's training.split.
QString splitText(const nlohmann::json& config)
{
    const nlohmann::json split = config.value("training", nlohmann::json::object()).value("split", nlohmann::json::object());
    if (!split.is_object() || !split.value("ratios", nlohmann::json()).is_array())
        return QStringLiteral("-");
    QStringList ratios;
    for (const nlohmann::json& r : split["ratios"])
        ratios << (r.is_number() ? QString::number(r.get<double>(), 'f', 2) : QStringLiteral("?"));
    return QStringLiteral("%1 %2, seed %3")
        .arg(QString::fromStdString(split.value("mode", std::string("subject"))), ratios.join(QLatin1Char('/')))
        .arg(split.value("seed", nlohmann::json()).is_number() ? QString::number(split["seed"].get<std::uint64_t>()) : QStringLiteral("?"));
}

} // namespace

RunsPage::RunsPage(QWidget* parent)
    : QWidget(parent), m_rootLabel(new QLabel), m_runs(new QTreeWidget), m_metric(new QComboBox), m_plot(new QCustomPlot), m_jobs(new JobRunner(this))
{
    setObjectName(QStringLiteral("runsPage"));
    m_rootLabel->setWordWrap(true);
    auto* chooseRoot = new QPushButton(tr("Runs Folder..."));
    chooseRoot->setToolTip(tr("Where new runs are written and listed from"));
    connect(chooseRoot, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Runs Folder"), m_root);
        if (!folder.isEmpty()) {
            setRunsRoot(folder);
            setRoot(folder);
        }
    });
    auto* refreshButton = new QPushButton(tr("Refresh"));
    refreshButton->setShortcut(QKeySequence::Refresh);
    refreshButton->setToolTip(tr("List the runs again (F5)"));
    connect(refreshButton, &QPushButton::clicked, this, &RunsPage::refresh);
    auto* openButton = new QPushButton(tr("Open"));
    openButton->setToolTip(tr("Show the selected run's curves, matrix and metrics (or double-click it)"));
    connect(openButton, &QPushButton::clicked, this, [this] {
        if (QTreeWidgetItem* item = m_runs->currentItem())
            openRun(item->data(0, Qt::UserRole).toString());
    });

    m_runs->setObjectName(QStringLiteral("runList"));
    m_runs->setHeaderLabels({tr("Run"), tr("Model"), tr("Input"), tr("Dataset"), tr("Split"), tr("Epochs"), tr("Best val acc"), tr("Test accuracy"),
                             tr("Test macro AUC"), tr("Stopped")});
    m_runs->setRootIsDecorated(false);
    m_runs->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_runs->setSortingEnabled(true);
    m_runs->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runs->setToolTip(tr("Select two or more runs to compare their curves; double-click opens one"));
    connect(m_runs, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) { openRun(item->data(0, Qt::UserRole).toString()); });
    connect(m_runs, &QTreeWidget::itemSelectionChanged, this, [this] {
        QStringList folders;
        for (QTreeWidgetItem* item : m_runs->selectedItems())
            folders << item->data(0, Qt::UserRole).toString();
        compare(folders);
    });

    for (const MonitoredMetric metric : {MonitoredMetric::ValAccuracy, MonitoredMetric::ValLoss, MonitoredMetric::Accuracy, MonitoredMetric::Loss})
        m_metric->addItem(QString::fromLatin1(metricName(metric)), static_cast<int>(metric));
    m_metric->setToolTip(tr("The curve to compare"));
    connect(m_metric, &QComboBox::currentIndexChanged, this, &RunsPage::updateComparison);
    m_plot->setObjectName(QStringLiteral("compareRunsPlot"));
    m_plot->setMinimumHeight(200);
    m_plot->xAxis->setLabel(tr("epoch"));
    placeLegendAbovePlot(m_plot);
    m_plot->setToolTip(tr("The selected runs' curves"));
    updateComparison(); // nothing selected yet: the empty state's hint

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_rootLabel, 1);
    bar->addWidget(chooseRoot);
    bar->addWidget(refreshButton);
    bar->addWidget(openButton);
    auto* plotBox = new QWidget;
    auto* plotLayout = new QVBoxLayout(plotBox);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    auto* metricRow = new QHBoxLayout;
    metricRow->addWidget(new QLabel(tr("Compare")));
    metricRow->addWidget(m_metric);
    metricRow->addStretch(1);
    plotLayout->addLayout(metricRow);
    plotLayout->addWidget(m_plot, 1);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_runs);
    splitter->addWidget(plotBox);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    setRoot(runsRoot());
}

RunsPage::~RunsPage() = default;

void RunsPage::setRoot(const QString& folder)
{
    m_root = folder;
    m_rootLabel->setText(tr("Runs in <b>%1</b>").arg(QDir::toNativeSeparators(folder).toHtmlEscaped()));
    refresh();
}

void RunsPage::refresh()
{
    m_runs->clear();
    for (const std::filesystem::path& run : findRunFolders(m_root.toStdString())) {
        const QString folder = QString::fromStdString(run.string());
        auto* item = new QTreeWidgetItem(m_runs, {QFileInfo(folder).fileName()});
        item->setData(0, Qt::UserRole, folder);
        item->setToolTip(0, QDir::toNativeSeparators(folder));
        try {
            const RunRecord record = readRunSummary(run);
            double bestValAcc = std::nan("");
            for (const EpochRecord& e : record.history)
                if (std::isfinite(e.valAccuracy) && !(bestValAcc >= e.valAccuracy))
                    bestValAcc = e.valAccuracy;
            const int ranks = record.worldSize(); // a torchrun job's run: rank 0 wrote it like any other
            item->setText(1, QString::fromStdString(record.architecture()) + (ranks > 1 ? tr(", %1 ranks").arg(ranks) : QString()));
            item->setText(2, inputText(record.config));
            const QString dataset = QString::fromStdString(record.datasetRoot().string());
            item->setText(3, QFileInfo(dataset).fileName());
            item->setToolTip(3, QDir::toNativeSeparators(dataset));
            item->setText(4, splitText(record.config));
            item->setData(5, Qt::DisplayRole, static_cast<int>(record.history.size()));
            item->setText(6, std::isfinite(bestValAcc) ? QString::number(bestValAcc, 'f', 3) : QStringLiteral("-"));
            item->setText(7, figure(record.metrics, "slice_level", "accuracy"));
            item->setText(8, figure(record.metrics, "slice_level", "macro_auc"));
            item->setText(9, record.metrics.is_object() ? QString::fromStdString(record.metrics.value("stop_reason", std::string())) : tr("(no test)"));
        } catch (const std::exception& e) {
            item->setText(1, tr("unreadable"));
            item->setToolTip(1, QString::fromStdString(e.what()));
        }
    }
    m_runs->sortByColumn(0, Qt::DescendingOrder);
}

int RunsPage::runCount() const
{
    return m_runs->topLevelItemCount();
}

int RunsPage::comparedCount() const
{
    return static_cast<int>(m_compared.size());
}

void RunsPage::openRun(const QString& folder)
{
    if (folder.isEmpty())
        return;
    m_jobs->run<SharedRunRecord>(
        [folder](JobContext&) { return std::make_shared<const RunRecord>(readRunFolder(folder.toStdString())); },
        {[this](const SharedRunRecord& run) { emit runOpened(run); }, [this](const QString& message) { emit failed(message); }});
}

void RunsPage::compare(const QStringList& folders)
{
    m_compared.clear();
    for (const QString& folder : folders) {
        try {
            m_compared.push_back(std::make_shared<const RunRecord>(readRunSummary(folder.toStdString())));
        } catch (const std::exception& e) {
            emit failed(QString::fromStdString(e.what()));
        }
    }
    updateComparison();
}

void RunsPage::setCompareMetric(const QString& metric)
{
    m_metric->setCurrentText(metric);
}

void RunsPage::updateComparison()
{
    m_plot->clearGraphs();
    const auto metric = static_cast<MonitoredMetric>(m_metric->currentData().toInt());
    int colour = 0;
    for (const SharedRunRecord& run : m_compared) {
        QVector<double> x, y;
        for (const EpochRecord& e : run->history) {
            const double v = e.value(metric);
            if (std::isfinite(v)) {
                x << e.epoch + 1;
                y << v;
            }
        }
        auto* graph = m_plot->addGraph();
        graph->setData(x, y);
        graph->setName(QString::fromStdString(run->name()));
        const QColor c = kRunColours[colour++ % std::size(kRunColours)];
        graph->setPen(QPen(c, 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c, Qt::white, 5));
    }
    m_plot->yAxis->setLabel(m_metric->currentText());
    setPlotEmptyHint(m_plot, m_compared.empty() ? tr("Select runs in the list (two or more to compare them)") : QString());
    m_plot->rescaleAxes();
    m_plot->xAxis->setRangeLower(0);
    if (!isLoss(metric))
        m_plot->yAxis->setRange(0, 1.02); // accuracies on their whole scale, as in every other plot
    else
        m_plot->yAxis->scaleRange(1.1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RunsPage::cancelAndWait()
{
    m_jobs->cancelAndWait();
}

} // namespace neurodx::ui
