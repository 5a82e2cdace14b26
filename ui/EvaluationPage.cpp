#include "EvaluationPage.h"

#include "ConfusionMatrixView.h"
#include "MetricsTable.h"
#include "PlotExport.h"
#include "QtStrings.h"
#include "ReliabilityPlot.h"
#include "RocPlot.h"
#include "RunsLocation.h"
#include "ThumbnailGrid.h"
#include "JobRunner.h"

#include "inference/ModelEvaluation.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace neurodx::ui {

EvaluationPage::EvaluationPage(QWidget* parent)
    : QWidget(parent),
      m_runLabel(new QLabel(tr("No run open. Train one, or open a run folder."))),
      m_checkpoint(new QComboBox),
      m_part(new QComboBox),
      m_evaluate(new QPushButton(tr("Evaluate"))),
      m_level(new QComboBox),
      m_normalised(new QCheckBox(tr("Normalised"))),
      m_status(new QLabel),
      m_matrix(new ConfusionMatrixView),
      m_metrics(new MetricsTable),
      m_roc(new RocPlot),
      m_reliability(new ReliabilityPlot),
      m_calibration(new QLabel),
      m_warnings(new QLabel),
      m_gallery(new ThumbnailGrid(88)),
      m_galleryTitle(new QLabel(tr("Misclassified slices"))),
      m_jobs(new JobRunner(this))
{
    setObjectName(QStringLiteral("evaluationPage"));
    m_runLabel->setWordWrap(true);
    auto* open = new QPushButton(tr("Open Run..."));
    open->setToolTip(tr("Choose a run folder (it holds config.json, history.csv and best.pt)"));
    connect(open, &QPushButton::clicked, this, &EvaluationPage::chooseRun);
    auto* openModel = new QPushButton(tr("Model File..."));
    openModel->setObjectName(QStringLiteral("evaluateModelFileButton"));
    openModel->setToolTip(tr("Evaluate any model file (NeuroDx .pt, or a Keras .h5 such as the notebook's best_model.h5) on a dataset folder or a run's test part"));
    connect(openModel, &QPushButton::clicked, this, &EvaluationPage::chooseModelFile);
    m_checkpoint->addItem(tr("best.pt (lowest validation loss)"), QStringLiteral("best.pt"));
    m_checkpoint->addItem(tr("last.pt (last epoch)"), QStringLiteral("last.pt"));
    m_checkpoint->setToolTip(tr("Which checkpoint of the run to evaluate"));
    m_part->addItem(tr("test"), QStringLiteral("test"));
    m_part->addItem(tr("validation"), QStringLiteral("validation"));
    m_part->addItem(tr("train"), QStringLiteral("train"));
    m_part->setToolTip(tr("Which part of the run's split to evaluate on (test: subjects the model never saw)"));
    m_evaluate->setObjectName(QStringLiteral("evaluateButton"));
    m_evaluate->setToolTip(tr("Evaluate the chosen checkpoint on the chosen part (F5)"));
    m_evaluate->setShortcut(QKeySequence(Qt::Key_F5));
    m_evaluate->setEnabled(false);
    connect(m_evaluate, &QPushButton::clicked, this, [this] {
        evaluate(m_runFolder, m_checkpoint->currentData().toString(), m_part->currentData().toString());
    });
    m_level->addItem(tr("slice level"));
    m_level->addItem(tr("subject level"));
    m_level->setToolTip(tr("Slice level: every slice counts; subject level: a subject's mean probability against its class"));
    connect(m_level, &QComboBox::currentIndexChanged, this, &EvaluationPage::refresh);
    m_normalised->setToolTip(tr("Show each cell's share of its row first"));
    connect(m_normalised, &QCheckBox::toggled, m_matrix, &ConfusionMatrixView::setNormalised);
    auto* exportButton = new QPushButton(tr("Export..."));
    exportButton->setToolTip(tr("Save the matrix, ROC and reliability diagram (PNG and PDF) and the metrics, confusion and predictions (CSV) into a folder"));
    connect(exportButton, &QPushButton::clicked, this, &EvaluationPage::exportAll);

    auto* bar = new QHBoxLayout;
    bar->addWidget(open);
    bar->addWidget(openModel);
    bar->addWidget(m_checkpoint);
    bar->addWidget(m_part);
    bar->addWidget(m_evaluate);
    bar->addSpacing(12);
    bar->addWidget(m_level);
    bar->addWidget(m_normalised);
    bar->addStretch(1);
    bar->addWidget(exportButton);

    m_status->setObjectName(QStringLiteral("evaluationStatus"));
    m_gallery->setObjectName(QStringLiteral("misclassifiedGallery"));
    m_gallery->setToolTip(tr("Misclassified slices, most confident mistakes first; double-click opens one in the viewer"));
    connect(m_gallery, &ThumbnailGrid::fileActivated, this, &EvaluationPage::imageActivated);

    auto* galleryBox = new QWidget;
    auto* galleryLayout = new QVBoxLayout(galleryBox);
    galleryLayout->setContentsMargins(0, 0, 0, 0);
    galleryLayout->addWidget(m_galleryTitle);
    galleryLayout->addWidget(m_gallery, 1);
    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_matrix);
    top->addWidget(m_metrics);
    top->setStretchFactor(1, 1);
    auto* bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_roc);
    bottom->addWidget(m_reliability);
    bottom->addWidget(galleryBox);
    bottom->setStretchFactor(2, 1);
    auto* main = new QSplitter(Qt::Vertical);
    main->setObjectName(QStringLiteral("evaluationSplitter"));
    main->addWidget(top);
    main->addWidget(bottom);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_runLabel);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    m_calibration->setObjectName(QStringLiteral("calibrationSummary"));
    m_calibration->setWordWrap(true);
    layout->addWidget(m_calibration);
    m_warnings->setObjectName(QStringLiteral("evaluationWarnings"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; border: 1px solid #ffda6a; padding: 4px; }"));
    m_warnings->hide();
    layout->addWidget(m_warnings);
    layout->addWidget(main, 1);
}

EvaluationPage::~EvaluationPage() = default;

bool EvaluationPage::isEvaluating() const
{
    return m_jobs->isBusy();
}

void EvaluationPage::chooseRun()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Run"), m_runFolder.isEmpty() ? runsRoot() : m_runFolder);
    if (!folder.isEmpty())
        openRunFolder(folder);
}

void EvaluationPage::openRunFolder(const QString& folder)
{
    m_status->setText(tr("Reading %1 ...").arg(QDir::toNativeSeparators(folder)));
    m_jobs->run<SharedRunRecord>(
        [folder](JobContext&) { return std::make_shared<const RunRecord>(readRunFolder(folder.toStdString())); },
        {[this](const SharedRunRecord& run) { showRun(run); },
         [this](const QString& message) {
             m_status->setText(message);
             emit evaluationFailed(message);
         }});
}

void EvaluationPage::showRun(const SharedRunRecord& run)
{
    m_runFolder = QString::fromStdString(run->folder.string());
    m_evaluate->setEnabled(true);
    m_runLabel->setText(tr("Run <b>%1</b> (%2, %3 epochs)")
                            .arg(QDir::toNativeSeparators(m_runFolder).toHtmlEscaped(), QString::fromStdString(run->architecture()))
                            .arg(run->history.size()));
    if (run->test) {
        showEvaluation(std::make_shared<const EvaluatedSlices>(*run->test));
    } else {
        m_evaluation.reset();
        refresh();
        m_status->setText(tr("This run has no test predictions yet (stopped early, or no test part): press Evaluate."));
    }
}

void EvaluationPage::evaluate(const QString& runFolder, const QString& checkpoint, const QString& part)
{
    if (runFolder.isEmpty() || isEvaluating())
        return;
    ModelEvaluationRequest request;
    request.modelFile = QDir(runFolder).filePath(checkpoint).toStdString();
    request.target = runFolder.toStdString();
    request.part = part.toStdString();
    startEvaluation(request, tr("Evaluating %1 on the %2 part...").arg(checkpoint, part));
}

void EvaluationPage::evaluateModelFile(const QString& modelFile, const QString& target)
{
    if (modelFile.isEmpty() || target.isEmpty() || isEvaluating())
        return;
    ModelEvaluationRequest request;
    request.modelFile = modelFile.toStdString(); // a NeuroDx .pt or a Keras .h5, converted in the worker
    request.target = target.toStdString();
    m_runLabel->setText(tr("Model <b>%1</b> on <b>%2</b>")
                            .arg(QDir::toNativeSeparators(modelFile).toHtmlEscaped(), QDir::toNativeSeparators(target).toHtmlEscaped()));
    startEvaluation(request, tr("Evaluating %1 on %2...").arg(QFileInfo(modelFile).fileName(), QDir::toNativeSeparators(target)));
}

void EvaluationPage::chooseModelFile()
{
    const QString model = QFileDialog::getOpenFileName(this, tr("Evaluate Model File"), runsRoot(),
                                                       tr("Models (*.pt *.h5 *.keras.h5);;NeuroDx models (*.pt);;Keras models (*.h5);;All files (*)"));
    if (model.isEmpty())
        return;
    const QString target = QFileDialog::getExistingDirectory(
        this, tr("Dataset (class folders) or Run Folder to Evaluate On"), m_runFolder.isEmpty() ? runsRoot() : m_runFolder);
    if (!target.isEmpty())
        evaluateModelFile(model, target);
}

void EvaluationPage::startEvaluation(const ModelEvaluationRequest& request, const QString& message)
{
    m_evaluate->setEnabled(false);
    m_status->setText(message);
    const auto failed = [this](const QString& text) {
        m_evaluate->setEnabled(!m_runFolder.isEmpty());
        m_status->setText(text);
        emit evaluationFailed(text);
    };
    m_jobs->run<SharedEvaluation>(
        [request](JobContext& job) {
            const ModelEvaluationResult result = evaluateModel(request, &job.cancelToken(), [&](const std::string& stage) {
                job.progress(QString::fromStdString(stage));
            });
            return std::make_shared<const EvaluatedSlices>(result.slices);
        },
        {[this](const SharedEvaluation& evaluation) {
             m_evaluate->setEnabled(!m_runFolder.isEmpty());
             showEvaluation(evaluation);
         },
         failed, [failed] { failed(tr("Evaluation cancelled.")); },
         [this](const QString& text) {
             m_status->setText(text);
             emit statusMessage(text);
         }});
}

void EvaluationPage::showEvaluation(const SharedEvaluation& evaluation)
{
    m_evaluation = evaluation;
    m_status->setText(tr("%1 part, %L2 slices, model %3")
                          .arg(QString::fromStdString(evaluation->part))
                          .arg(static_cast<qulonglong>(evaluation->size()))
                          .arg(QDir::toNativeSeparators(QString::fromStdString(evaluation->model))));
    refresh();
    emit evaluationShown();
}

void EvaluationPage::setSubjectLevel(bool subjects)
{
    m_level->setCurrentIndex(subjects ? 1 : 0);
}

void EvaluationPage::setNormalised(bool normalised)
{
    m_normalised->setChecked(normalised);
}

void EvaluationPage::refresh()
{
    if (!m_evaluation) {
        m_matrix->clear();
        m_metrics->clear();
        m_roc->clear();
        m_reliability->clear();
        m_calibration->clear();
        m_warnings->hide();
        m_gallery->setItems({});
        return;
    }
    const EvaluationReport& report = m_evaluation->report;
    const QStringList names = toQStringList(report.classNames);
    const bool subjects = m_level->currentIndex() == 1;
    const ClassificationMetrics& metrics = subjects ? report.subjects : report.slices;
    m_matrix->setMatrix(metrics.confusion, names);
    m_metrics->setMetrics(metrics, names, subjects ? tr("Subject level") : tr("Slice level"));
    m_roc->setScores(report.labels, report.probabilities, names);
    const CalibrationMetrics& calibration = subjects ? report.subjectCalibration : report.sliceCalibration;
    const std::optional<CalibrationMetrics>& raw = subjects ? report.rawSubjectCalibration : report.rawSliceCalibration;
    m_reliability->setCalibration(calibration, raw, report.calibrationSlices > 0 ? tr("calibrated (ECE %1)").arg(calibration.ece, 0, 'f', 3)
                                                                                : tr("raw softmax (ECE %1)").arg(calibration.ece, 0, 'f', 3));
    m_calibration->setText(calibrationText());
    QStringList warnings;
    for (const std::string& warning : evaluationWarnings(report))
        warnings << tr("Warning: %1").arg(QString::fromStdString(warning));
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());

    QVector<ThumbnailItem> items;
    for (const std::size_t i : m_evaluation->misclassified()) {
        const int predicted = m_evaluation->predicted(i);
        const double confidence = report.probabilities[i][static_cast<std::size_t>(predicted)];
        ThumbnailItem item;
        item.file = QString::fromStdString(m_evaluation->files[i]);
        item.caption = tr("%1 as %2 %3%").arg(names.value(report.labels[i]), names.value(predicted)).arg(confidence * 100, 0, 'f', 0);
        item.toolTip = tr("%1\ntrue %2, predicted %3 (%4%)")
                           .arg(QDir::toNativeSeparators(item.file), names.value(report.labels[i]), names.value(predicted))
                           .arg(confidence * 100, 0, 'f', 1);
        item.label = predicted;
        items.push_back(item);
    }
    m_galleryTitle->setText(tr("Misclassified slices: %L1 of %L2 (frame: predicted class)").arg(items.size()).arg(static_cast<qulonglong>(m_evaluation->size())));
    m_gallery->setItems(std::move(items));
}

void EvaluationPage::exportAll()
{
    if (!m_evaluation)
        return;
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Export Evaluation Into"), QDir::homePath());
    if (folder.isEmpty())
        return;
    const QDir dir(folder);
    const EvaluationReport& report = m_evaluation->report;
    const bool subjects = m_level->currentIndex() == 1;
    const ClassificationMetrics& metrics = subjects ? report.subjects : report.slices;
    const QString level = subjects ? QStringLiteral("subject") : QStringLiteral("slice");
    QString error;
    const bool ok = exportWidgetImage(m_matrix, dir.filePath(QStringLiteral("confusion-%1.png").arg(level)), &error) &&
                    exportWidgetImage(m_matrix, dir.filePath(QStringLiteral("confusion-%1.pdf").arg(level)), &error) &&
                    exportWidgetImage(m_roc, dir.filePath(QStringLiteral("roc.png")), &error) &&
                    exportWidgetImage(m_roc, dir.filePath(QStringLiteral("roc.pdf")), &error) &&
                    exportWidgetImage(m_reliability, dir.filePath(QStringLiteral("reliability-%1.png").arg(level)), &error) &&
                    exportWidgetImage(m_reliability, dir.filePath(QStringLiteral("reliability-%1.pdf").arg(level)), &error) &&
                    exportText(QString::fromStdString(metricsCsv(metrics, report.classNames)), dir.filePath(QStringLiteral("metrics-%1.csv").arg(level)), &error) &&
                    exportText(QString::fromStdString(confusionCsv(metrics, report.classNames)), dir.filePath(QStringLiteral("confusion-%1.csv").arg(level)), &error) &&
                    exportText(QString::fromStdString(predictionsCsv(*m_evaluation, std::filesystem::path())), dir.filePath(QStringLiteral("predictions.csv")), &error);
    if (!ok)
        QMessageBox::warning(this, tr("Export"), error);
    else
        emit statusMessage(tr("Evaluation exported to %1").arg(QDir::toNativeSeparators(folder)));
}

QString EvaluationPage::calibrationText() const
{
    if (!m_evaluation)
        return {};
    const EvaluationReport& report = m_evaluation->report;
    const bool subjects = m_level->currentIndex() == 1;
    const CalibrationMetrics& shown = subjects ? report.subjectCalibration : report.sliceCalibration;
    const std::optional<CalibrationMetrics>& raw = subjects ? report.rawSubjectCalibration : report.rawSliceCalibration;
    const auto figures = [](const CalibrationMetrics& m) {
        const auto interval = [](const std::optional<Interval>& ci) {
            return ci ? QStringLiteral(" [%1, %2]").arg(ci->low, 0, 'f', 3).arg(ci->high, 0, 'f', 3) : QString();
        };
        return tr("ECE %1%2, Brier %3%4").arg(m.ece, 0, 'f', 3).arg(interval(m.eceCi)).arg(m.brier, 0, 'f', 3).arg(interval(m.brierCi));
    };
    QString text = report.calibrationSlices > 0
                       ? tr("Calibrated (temperature %1, %L2 validation slices): %3")
                             .arg(report.temperature, 0, 'f', 2)
                             .arg(static_cast<qulonglong>(report.calibrationSlices))
                             .arg(figures(shown))
                       : tr("Not calibrated (raw softmax): %1").arg(figures(shown));
    if (raw)
        text += tr("; raw softmax: ECE %1, Brier %2").arg(raw->ece, 0, 'f', 3).arg(raw->brier, 0, 'f', 3);
    return text;
}

void EvaluationPage::cancelAndWait()
{
    m_jobs->cancelAndWait();
}

} // namespace neurodx::ui
