#include "TrainingPage.h"

#include "DatasetDocument.h"

#include "PlotExport.h"
#include "RunsLocation.h"
#include "TrainingCurves.h"
#include "TrainingSettingsForm.h"
#include "JobRunner.h"

#include "evaluation/RunFolder.h"
#include "training/TrainingEta.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFontDatabase>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace neurodx::ui {

namespace {

QString duration(double seconds)
{
    const auto s = static_cast<qint64>(std::max(0.0, seconds) + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QPushButton* button(const QString& text, const QString& tip, const QKeySequence& shortcut = {})
{
    auto* b = new QPushButton(text);
    b->setToolTip(shortcut.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    if (!shortcut.isEmpty())
        b->setShortcut(shortcut);
    return b;
}

} // namespace

TrainingPage::TrainingPage(const DatasetDocument* document, QWidget* parent)
    : QWidget(parent),
      m_document(document),
      m_form(new TrainingSettingsForm),
      m_curves(new TrainingCurves),
      m_start(button(tr("Start"), tr("Train on the open dataset with these settings"), QKeySequence(tr("Ctrl+Return")))),
      m_pause(button(tr("Pause"), tr("Pause after the current batch; press again to continue"))),
      m_stop(button(tr("Stop"), tr("Stop after the current batch; best.pt and last.pt stay valid"), QKeySequence(tr("Ctrl+.")))),
      m_resume(button(tr("Resume Run"), tr("Continue the last stopped run from its last.pt and optimizer state"))),
      m_stage(new QLabel(tr("Open a dataset, choose the settings and press Start."))),
      m_speed(new QLabel),
      m_epochProgress(new QProgressBar),
      m_batchProgress(new QProgressBar),
      m_smoothing(new QSlider(Qt::Horizontal)),
      m_logLoss(new QCheckBox(tr("Log loss axis"))),
      m_log(new QPlainTextEdit),
      m_jobs(new JobRunner(this))
{
    setObjectName(QStringLiteral("trainingPage"));
    m_start->setObjectName(QStringLiteral("startTraining"));
    m_pause->setObjectName(QStringLiteral("pauseTraining"));
    m_stop->setObjectName(QStringLiteral("stopTraining"));
    m_resume->setObjectName(QStringLiteral("resumeTraining"));
    connect(m_start, &QPushButton::clicked, this, &TrainingPage::startTraining);
    connect(m_pause, &QPushButton::clicked, this, &TrainingPage::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &TrainingPage::stopTraining);
    connect(m_resume, &QPushButton::clicked, this, [this] { resumeRun(m_runFolder); });

    auto* scroll = new QScrollArea;
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(m_form->sizeHint().width() + 24);
    auto* buttons = new QGridLayout;
    buttons->addWidget(m_start, 0, 0);
    buttons->addWidget(m_pause, 0, 1);
    buttons->addWidget(m_stop, 1, 0);
    buttons->addWidget(m_resume, 1, 1);
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->addWidget(scroll, 1);
    leftLayout->addLayout(buttons);

    m_stage->setWordWrap(true);
    m_stage->setObjectName(QStringLiteral("trainingStage"));
    m_epochProgress->setFormat(tr("epoch %v of %m"));
    m_epochProgress->setToolTip(tr("Epochs done"));
    m_batchProgress->setFormat(tr("batch %v of %m"));
    m_batchProgress->setToolTip(tr("Batches of the running epoch"));
    m_speed->setToolTip(tr("Training throughput and the estimated time left (all epochs, if early stopping does not end sooner)"));
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setToolTip(tr("Smoothing of the batch curves (exponential moving average, as TensorBoard)"));
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) { m_curves->setSmoothing(value / 100.0); });
    m_logLoss->setToolTip(tr("Show the loss on a logarithmic axis"));
    connect(m_logLoss, &QCheckBox::toggled, m_curves, &TrainingCurves::setLogLoss);
    auto* exportCurvesButton = button(tr("Export Curves..."), tr("Save the curves as PNG or PDF"));
    connect(exportCurvesButton, &QPushButton::clicked, this, &TrainingPage::exportCurves);
    auto* exportHistoryButton = button(tr("Export History..."), tr("Save the epoch history as CSV (Keras CSVLogger columns)"));
    connect(exportHistoryButton, &QPushButton::clicked, this, &TrainingPage::exportHistory);
    auto* plotBar = new QHBoxLayout;
    plotBar->addWidget(new QLabel(tr("Smoothing")));
    plotBar->addWidget(m_smoothing, 1);
    plotBar->addWidget(m_logLoss);
    plotBar->addWidget(exportCurvesButton);
    plotBar->addWidget(exportHistoryButton);

    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setObjectName(QStringLiteral("trainingLog"));
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont)); // the split and model summary are tables
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setToolTip(tr("What the training did: stages, epochs, checkpoints, early stopping"));

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->addWidget(m_stage);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_epochProgress, 1);
    progressRow->addWidget(m_batchProgress, 1);
    progressRow->addWidget(m_speed);
    rightLayout->addLayout(progressRow);
    rightLayout->addLayout(plotBar);
    auto* rightSplitter = new QSplitter(Qt::Vertical);
    rightSplitter->addWidget(m_curves);
    rightSplitter->addWidget(m_log);
    rightSplitter->setStretchFactor(0, 4);
    rightSplitter->setStretchFactor(1, 1);
    rightLayout->addWidget(rightSplitter, 1);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("trainingSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
    connect(m_document, &DatasetDocument::indexChanged, this, [this] {
        if (!isTraining())
            m_stage->setText(m_document->isOpen() ? tr("Dataset %1: choose the settings and press Start.").arg(m_document->folder())
                                                  : tr("Open a dataset, choose the settings and press Start."));
        setRunning(isTraining());
    });
    setRunning(false);
}

TrainingPage::~TrainingPage() = default;

bool TrainingPage::isTraining() const
{
    return m_jobs->isBusy();
}

bool TrainingPage::isPaused() const
{
    return m_worker && m_worker->isPaused();
}

QString TrainingPage::logText() const
{
    return m_log->toPlainText();
}

void TrainingPage::startTraining()
{
    if (isTraining())
        return;
    if (!m_document->isOpen()) {
        emit trainingFailed(tr("Open a dataset first (Dataset page, or File > Open Dataset Folder)."));
        return;
    }
    if (!m_document->split()) {
        emit trainingFailed(tr("The split settings cannot split this dataset: %1 (Dataset page, Split tab).").arg(m_document->splitProblem()));
        return;
    }
    m_form->saveSettings();
    TrainingJobConfig job;
    job.dataset = m_document->folder().toStdString();
    job.index = m_document->index();   // the dataset as scanned and shown: no second scan
    job.split = m_document->split();   // ... and the split the Dataset page shows
    job.training = m_form->config();
    job.training.split = m_document->splitConfig();
    job.initialWeights = m_form->initialWeights().toStdString();
    try {
        validate(job.training);
        job.runFolder = newRunFolder(QString::fromLatin1(architectureName(job.training.model.architecture))).toStdString();
    } catch (const std::exception& e) {
        emit trainingFailed(QString::fromStdString(e.what()));
        return;
    }
    m_curves->clear();
    launch(job);
}

void TrainingPage::resumeRun(const QString& runFolder)
{
    if (isTraining() || runFolder.isEmpty())
        return;
    TrainingJobConfig job;
    job.runFolder = runFolder.toStdString();
    job.resume = true;
    try {
        const RunRecord run = readRunSummary(job.runFolder);
        job.dataset = run.datasetRoot();
        job.training = trainingConfigFromJson(run.config.at("training"));
        job.training.epochs = std::max(job.training.epochs, m_form->config().epochs);
        m_curves->setHistory(run.history);
    } catch (const std::exception& e) {
        emit trainingFailed(tr("Cannot resume %1: %2").arg(QDir::toNativeSeparators(runFolder), QString::fromStdString(e.what())));
        return;
    }
    launch(job);
}

void TrainingPage::launch(TrainingJobConfig job)
{
    m_runFolder = QString::fromStdString(job.runFolder.string());
    m_log->appendPlainText(QStringLiteral("%1  %2 %3 in %4").arg(QDateTime::currentDateTime().toString(Qt::ISODate),
                                                                 job.resume ? tr("resuming") : tr("training"),
                                                                 QString::fromLatin1(architectureName(job.training.model.architecture)),
                                                                 QDir::toNativeSeparators(m_runFolder)));
    m_epochProgress->setRange(0, job.training.epochs);
    m_epochProgress->setValue(0);
    m_batchProgress->setRange(0, 1);
    m_batchProgress->setValue(0);
    m_lastEpochSeconds = 0;
    auto* worker = new TrainingWorker(std::move(job));
    m_worker = worker;
    m_jobs->deliver(worker, &TrainingWorker::stageChanged, this, [this](const QString& stage) {
        // Multi-line stages (the settings) go whole into the log, their first line to the labels.
        const QString headline = stage.section(QLatin1Char('\n'), 0, 0);
        m_stage->setText(headline);
        log(stage);
        emit statusMessage(headline);
    });
    m_jobs->deliver(worker, &TrainingWorker::batchesArrived, this, &TrainingPage::onBatches);
    m_jobs->deliver(worker, &TrainingWorker::epochFinished, this, &TrainingPage::onEpoch);
    m_jobs->deliver(worker, &TrainingWorker::messageLogged, this, &TrainingPage::log);
    m_jobs->deliver(worker, &TrainingWorker::finished, this, [this](const QString& folder, const QString& reason, bool tested) {
        m_worker = nullptr;
        m_jobs->release();
        setRunning(false);
        m_stage->setText(tr("Finished (%1). Run folder: %2").arg(reason, QDir::toNativeSeparators(folder)));
        log(tr("finished: %1").arg(reason));
        emit statusMessage(tr("Training finished: %1").arg(reason));
        emit trainingFinished(folder, reason, tested);
    });
    m_jobs->deliver(worker, &TrainingWorker::failed, this, [this](const QString& message) {
        m_worker = nullptr;
        m_jobs->release();
        setRunning(false);
        m_stage->setText(message);
        log(tr("failed: %1").arg(message));
        emit trainingFailed(message);
    });
    m_jobs->start(worker, [worker] { worker->start(); }, [worker] { worker->requestStop(); });
    setRunning(true);
    emit trainingStarted(m_runFolder);
}

void TrainingPage::togglePause()
{
    if (!m_worker)
        return;
    if (m_worker->isPaused()) {
        m_worker->resume();
        m_pause->setText(tr("Pause"));
        log(tr("continued"));
    } else {
        m_worker->pause();
        m_pause->setText(tr("Continue"));
        log(tr("paused"));
    }
}

void TrainingPage::stopTraining()
{
    if (!m_worker)
        return;
    // Non-blocking: the worker stops after its batch and reports through finished().
    m_worker->requestStop();
    m_stop->setEnabled(false);
    m_pause->setEnabled(false);
    m_stage->setText(tr("Stopping after the current batch..."));
}

void TrainingPage::onBatches(const QVector<BatchPoint>& points, const TrainingProgress& p)
{
    m_curves->addBatches(points);
    m_epochProgress->setRange(0, p.epochs);
    m_epochProgress->setValue(p.epoch);
    m_batchProgress->setRange(0, p.batchesPerEpoch);
    m_batchProgress->setValue(p.batch);
    const double left = trainingTimeLeft(p.epoch, p.epochs, p.batch, p.batchesPerEpoch, p.epochSeconds, m_lastEpochSeconds).runSeconds;
    m_speed->setText(tr("%1 slices/s, %2 left").arg(p.slicesPerSecond, 0, 'f', 1).arg(duration(left)));
    m_stage->setText(tr("Epoch %1 of %2: loss %3, accuracy %4").arg(p.epoch + 1).arg(p.epochs).arg(p.runningLoss, 0, 'f', 4).arg(p.runningAccuracy, 0, 'f', 3));
}

void TrainingPage::onEpoch(const EpochRecord& r)
{
    m_curves->addEpoch(r);
    m_epochProgress->setValue(r.epoch + 1);
    m_lastEpochSeconds = r.seconds;
    log(tr("epoch %1: loss %2, acc %3, val_loss %4, val_acc %5, %6 s")
            .arg(r.epoch + 1)
            .arg(r.loss, 0, 'f', 4)
            .arg(r.accuracy, 0, 'f', 3)
            .arg(r.valLoss, 0, 'f', 4)
            .arg(r.valAccuracy, 0, 'f', 3)
            .arg(r.seconds, 0, 'f', 1));
}

void TrainingPage::showRun(const RunRecord& run)
{
    if (isTraining())
        return;
    m_runFolder = QString::fromStdString(run.folder.string());
    m_curves->setHistory(run.history);
    if (run.bestEpoch() >= 0)
        m_curves->setBestEpoch(run.bestEpoch());
    try {
        TrainingConfig config = trainingConfigFromJson(run.config.at("training"));
        m_form->setConfig(config);
    } catch (const std::exception&) {
        // a run of an older version: its curves still show
    }
    m_stage->setText(tr("Run %1: %2 epochs").arg(QDir::toNativeSeparators(m_runFolder)).arg(run.history.size()));
    setRunning(false);
}

void TrainingPage::log(const QString& line)
{
    m_log->appendPlainText(QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void TrainingPage::setRunning(bool running)
{
    m_start->setEnabled(!running && m_document->isOpen());
    m_pause->setEnabled(running);
    m_pause->setText(tr("Pause"));
    m_stop->setEnabled(running);
    m_resume->setEnabled(!running && !m_runFolder.isEmpty() && QFileInfo::exists(m_runFolder + QStringLiteral("/last.pt")));
    m_form->setEnabled(!running);
}

void TrainingPage::exportCurves()
{
    const QString file = askExportFile(this, tr("Export Curves"), QStringLiteral("training-curves.png"), tr("PNG image (*.png);;PDF document (*.pdf)"));
    QString error;
    if (!file.isEmpty() && !exportWidgetImage(m_curves, file, &error))
        QMessageBox::warning(this, tr("Export Curves"), error);
}

void TrainingPage::exportHistory()
{
    const QString file = askExportFile(this, tr("Export History"), QStringLiteral("history.csv"), tr("CSV (*.csv)"));
    QString error;
    if (!file.isEmpty() && !exportText(QString::fromStdString(historyCsv(m_curves->epochs())), file, &error))
        QMessageBox::warning(this, tr("Export History"), error);
}

void TrainingPage::cancelAndWait()
{
    m_jobs->cancelAndWait();
    m_worker = nullptr;
    setRunning(false);
}

} // namespace neurodx::ui
