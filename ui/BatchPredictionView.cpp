#include "BatchPredictionView.h"

#include "JobRunner.h"
#include "PlotExport.h"

#include "dataset/ImageFiles.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QColor>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

BatchPredictionView::BatchPredictionView(QWidget* parent)
    : QWidget(parent), m_title(new QLabel), m_table(new QTableWidget), m_jobs(new JobRunner(this))
{
    qRegisterMetaType<SharedPredictions>();
    setObjectName(QStringLiteral("batchPrediction"));
    m_table->setObjectName(QStringLiteral("batchTable"));
    m_title->setObjectName(QStringLiteral("batchTitle"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->setVisible(false);
    m_table->setSortingEnabled(true);
    m_table->setToolTip(tr("Folder predictions; click a header to sort, double-click a row to open the slice"));
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row) { emit fileActivated(m_table->item(row, 0)->data(Qt::UserRole).toString()); });
    auto* exportButton = new QPushButton(tr("Export CSV..."));
    exportButton->setToolTip(tr("Save the table as CSV (file, predicted, confidence, p_<class>, error)"));
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString file = askExportFile(this, tr("Export Predictions"), QStringLiteral("predictions.csv"), tr("CSV (*.csv)"));
        QString error;
        if (!file.isEmpty() && !exportCsv(file, &error))
            QMessageBox::warning(this, tr("Export Predictions"), error);
    });
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_title, 1);
    bar->addWidget(exportButton);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
}

BatchPredictionView::~BatchPredictionView() = default;

bool BatchPredictionView::isBusy() const
{
    return m_jobs->isBusy();
}

void BatchPredictionView::cancelAndWait()
{
    m_jobs->cancelAndWait();
}

void BatchPredictionView::predictFolder(std::shared_ptr<SliceClassifier> classifier, const QString& folder)
{
    m_classNames = classifier->classNames();
    m_title->setText(tr("Predicting %1 ...").arg(QDir::toNativeSeparators(folder)));
    const auto report = [this](const QString& message) {
        m_title->setText(message);
        emit statusMessage(message);
    };
    m_jobs->run<SharedPredictions>(
        [classifier, folder](JobContext& job) {
            const auto files = imageFilesIn(QDir::toNativeSeparators(folder).toStdString());
            auto predictions = classifier->classifyFiles(files, &job.cancelToken(), [&](std::size_t done, std::size_t total) {
                job.progress(tr("Predicting: %1 of %2").arg(done).arg(total));
            });
            return SharedPredictions(std::make_shared<const std::vector<Prediction>>(std::move(predictions)));
        },
        {[this, folder](const SharedPredictions& predictions) {
             m_title->setText(tr("Predictions for %1").arg(QDir::toNativeSeparators(folder)));
             showPredictions(predictions);
         },
         report, [report] { report(tr("Prediction stopped.")); }, report});
}

void BatchPredictionView::showPredictions(const SharedPredictions& predictions)
{
    m_predictions = predictions;
    m_table->setSortingEnabled(false);
    m_table->clear();
    QStringList headers{tr("File"), tr("Class"), tr("Confidence")};
    for (const std::string& n : m_classNames)
        headers << tr("P(%1)").arg(QString::fromStdString(n));
    headers << tr("Note");
    m_table->setColumnCount(static_cast<int>(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(static_cast<int>(predictions->size()));
    const auto numberItem = [](double v) {
        auto* item = new QTableWidgetItem;
        item->setData(Qt::DisplayRole, std::round(v * 10000) / 10000);
        return item;
    };
    for (int row = 0; row < static_cast<int>(predictions->size()); ++row) {
        const Prediction& p = (*predictions)[static_cast<std::size_t>(row)];
        auto* fileItem = new QTableWidgetItem(QFileInfo(QString::fromStdString(p.file)).fileName());
        fileItem->setData(Qt::UserRole, QString::fromStdString(p.file));
        fileItem->setToolTip(QDir::toNativeSeparators(QString::fromStdString(p.file)));
        m_table->setItem(row, 0, fileItem);
        const int noteColumn = 3 + static_cast<int>(m_classNames.size());
        if (!p.error.empty()) {
            auto* note = new QTableWidgetItem(tr("unreadable: %1").arg(QString::fromStdString(p.error)));
            note->setToolTip(QString::fromStdString(p.error));
            note->setForeground(QColor(0x84, 0x20, 0x29));
            m_table->setItem(row, noteColumn, note);
            continue;
        }
        m_table->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(m_classNames.at(static_cast<std::size_t>(p.predicted)))));
        m_table->setItem(row, 2, numberItem(p.confidence));
        for (std::size_t c = 0; c < p.probabilities.size(); ++c)
            m_table->setItem(row, 3 + static_cast<int>(c), numberItem(p.probabilities[c]));
        if (!p.warnings.empty()) {
            // The same sentences as the viewer and neurodx-cli predict; the first one shown, all in the tooltip.
            QStringList all;
            for (const std::string& w : p.warnings)
                all << QString::fromStdString(w);
            auto* note = new QTableWidgetItem(p.unlikeTraining ? tr("unlike the training data") : all.front());
            if (all.size() > 1)
                note->setText(tr("%1 (+%2 more)").arg(note->text()).arg(all.size() - 1));
            note->setToolTip(all.join(QLatin1Char('\n')));
            note->setForeground(QColor(0x84, 0x20, 0x29));
            m_table->setItem(row, noteColumn, note);
        }
    }
    // Which probabilities these are, as in the prediction panel.
    const bool calibrated = !predictions->empty() && std::any_of(predictions->begin(), predictions->end(), [](const Prediction& p) { return p.calibrated; });
    m_title->setText(m_title->text() + (calibrated ? tr(" (calibrated probabilities)") : tr(" (raw softmax)")));
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    emit statusMessage(tr("%1 files predicted.").arg(predictions->size()));
    emit finished(static_cast<int>(predictions->size()));
}

bool BatchPredictionView::exportCsv(const QString& file, QString* error) const
{
    if (!m_predictions) {
        if (error)
            *error = tr("Predict a folder first.");
        return false;
    }
    return exportText(QString::fromStdString(predictionsCsv(*m_predictions, m_classNames)), file, error);
}

} // namespace neurodx::ui
