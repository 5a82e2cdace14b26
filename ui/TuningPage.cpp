#include "TuningPage.h"

#include "PlotLegend.h"

#include "RunsLocation.h"
#include "TuningWorker.h"
#include "JobRunner.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

QString hyperparameterText(const HyperparameterValues& values)
{
    QStringList parts;
    for (auto it = values.begin(); it != values.end(); ++it)
        parts << QStringLiteral("%1=%2").arg(QString::fromStdString(it.key()), QString::number(it.value().get<double>(), 'g', 4));
    return parts.join(QStringLiteral(", "));
}

} // namespace

TuningPage::TuningPage(QWidget* parent)
    : QWidget(parent),
      m_strategy(new QComboBox),
      m_maxEpochs(new QSpinBox),
      m_factor(new QSpinBox),
      m_maxTrials(new QSpinBox),
      m_objective(new QComboBox),
      m_space(new QPlainTextEdit),
      m_start(new QPushButton(tr("Start Search"))),
      m_stop(new QPushButton(tr("Stop"))),
      m_resume(new QPushButton(tr("Resume Search..."))),
      m_useBest(new QPushButton(tr("Use Best"))),
      m_audit(new QPushButton(tr("Run Leakage Audit"))),
      m_status(new QLabel),
      m_trials(new QTableWidget(0, 7)),
      m_bestPlot(new QCustomPlot),
      m_auditVerdict(new QLabel),
      m_jobs(new JobRunner(this))
{
    setObjectName(QStringLiteral("tuningPage"));
    for (QLabel*& arm : m_auditArms) {
        arm = new QLabel;
        arm->setAlignment(Qt::AlignCenter);
        arm->setWordWrap(true);
        arm->setFrameShape(QFrame::StyledPanel);
        arm->setMinimumHeight(70);
    }
    m_status->setObjectName(QStringLiteral("tuningStatus"));
    m_status->setWordWrap(true);
    m_trials->setObjectName(QStringLiteral("trialTable"));
    m_trials->setHorizontalHeaderLabels({tr("Trial"), tr("Bracket / round"), tr("Hyperparameters"), tr("Epochs"), tr("Score"), tr("Status"), tr("Seconds")});
    m_trials->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_trials->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_trials->verticalHeader()->setVisible(false);
    m_trials->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_trials->setSortingEnabled(true);
    m_trials->setToolTip(tr("Trials as they finish; promoted Hyperband trials continue their parent's training"));
    m_bestPlot->setObjectName(QStringLiteral("bestSoFarPlot"));
    m_bestPlot->setMinimumHeight(160);
    m_bestPlot->xAxis->setLabel(tr("finished trials"));
    m_bestPlot->yAxis->setLabel(tr("score"));
    m_bestPlot->addGraph()->setName(tr("best so far"));
    m_bestPlot->graph(0)->setLineStyle(QCPGraph::lsStepLeft);
    m_bestPlot->graph(0)->setPen(QPen(QColor(0, 158, 115), 2));
    m_bestPlot->addGraph()->setName(tr("trial"));
    m_bestPlot->graph(1)->setLineStyle(QCPGraph::lsNone);
    m_bestPlot->graph(1)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QColor(0, 114, 178), 5));
    placeLegendAbovePlot(m_bestPlot);
    m_bestPlot->setToolTip(tr("Each trial's score and the best so far"));
    updateBestCurve(); // no trials yet: the empty state's hint

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_trials);
    right->addWidget(m_bestPlot);
    right->addWidget(createAuditBox());
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("tuningSplitter"));
    splitter->addWidget(createSearchBox());
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    setBusy(false);
}

TuningPage::~TuningPage() = default;

QWidget* TuningPage::createSearchBox()
{
    m_strategy->addItem(tr("Hyperband"), true);
    m_strategy->addItem(tr("Random search"), false);
    m_strategy->setToolTip(tr("Hyperband: many short trials, the best continue longer (keras-tuner's); random: max trials of max epochs"));
    m_maxEpochs->setRange(1, 1000);
    m_maxEpochs->setValue(10);
    m_maxEpochs->setToolTip(tr("Hyperband's max_epochs (the longest trial); random search: every trial's epochs"));
    m_factor->setRange(2, 10);
    m_factor->setValue(3);
    m_factor->setToolTip(tr("Hyperband's reduction factor: a third of the trials go on to the next round with factor 3"));
    m_maxTrials->setRange(1, 10000);
    m_maxTrials->setValue(10);
    m_maxTrials->setToolTip(tr("Random search: how many trials"));
    for (const std::string& objective : metricNames())
        m_objective->addItem(QString::fromStdString(objective));
    m_objective->setCurrentText(QString::fromLatin1(metricName(TuningConfig{}.objective)));
    m_objective->setToolTip(tr("What the search optimises (losses fall, accuracies rise)"));
    m_space->setPlainText(QString::fromStdString(SearchSpace::seedDefault().definitions()));
    m_space->setToolTip(tr("One hyperparameter per line: name=a,b,c (choice), name=min:max:step (integers), name=min..max[:log] (floats). "
                           "Names: filters1, filters2, units, learning_rate, dropout"));
    m_space->setMaximumHeight(120);
    m_start->setObjectName(QStringLiteral("startSearch"));
    m_start->setToolTip(tr("Start a new search in a new folder under the runs folder"));
    m_stop->setObjectName(QStringLiteral("stopSearch"));
    m_stop->setToolTip(tr("Stop after the current batch; resuming reruns only the unfinished trial"));
    m_resume->setToolTip(tr("Continue a stopped search from its folder; finished trials are not repeated"));
    m_useBest->setObjectName(QStringLiteral("useBest"));
    m_useBest->setToolTip(tr("Put the best trial's hyperparameters into the training page"));
    connect(m_start, &QPushButton::clicked, this, [this] { startSearch(); });
    connect(m_stop, &QPushButton::clicked, this, &TuningPage::stopSearch);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Resume Search"), m_folder.isEmpty() ? runsRoot() : m_folder);
        if (!folder.isEmpty())
            startSearch(folder);
    });
    connect(m_useBest, &QPushButton::clicked, this, [this] {
        const int best = bestTrial();
        if (best >= 0)
            emit useHyperparameters(m_trialRecords[static_cast<std::size_t>(best)].hyperparameters);
    });

    auto* box = new QGroupBox(tr("Search"));
    auto* form = new QFormLayout(box);
    form->addRow(tr("Strategy"), m_strategy);
    form->addRow(tr("Max epochs"), m_maxEpochs);
    form->addRow(tr("Factor"), m_factor);
    form->addRow(tr("Max trials"), m_maxTrials);
    form->addRow(tr("Objective"), m_objective);
    form->addRow(tr("Search space"), m_space);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    form->addRow(buttons);
    auto* more = new QHBoxLayout;
    more->addWidget(m_resume);
    more->addWidget(m_useBest);
    form->addRow(more);
    return box;
}

QWidget* TuningPage::createAuditBox()
{
    auto* box = new QGroupBox(tr("Leakage audit"));
    m_audit->setObjectName(QStringLiteral("runAudit"));
    m_audit->setToolTip(tr("Train the training page's model three ways: subject split, slice split, slice split with random labels per subject"));
    connect(m_audit, &QPushButton::clicked, this, &TuningPage::startAudit);
    m_auditVerdict->setObjectName(QStringLiteral("auditVerdict"));
    m_auditVerdict->setWordWrap(true);
    m_auditVerdict->setText(tr("If a slice split scores much higher than a subject split, or random labels per subject can be learned, "
                               "the model recognises people, not disease (Yagis et al. 2021)."));
    auto* arms = new QHBoxLayout;
    const QStringList titles{tr("Subject split"), tr("Slice split"), tr("Slice split,\nrandom labels per subject")};
    for (int a = 0; a < 3; ++a) {
        m_auditArms[a]->setText(titles[a]);
        m_auditArms[a]->setObjectName(QStringLiteral("auditArm%1").arg(a));
        arms->addWidget(m_auditArms[a]);
    }
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_audit, 0, Qt::AlignLeft);
    layout->addLayout(arms);
    layout->addWidget(m_auditVerdict);
    return box;
}

void TuningPage::setDatasetFolder(const QString& folder)
{
    m_datasetFolder = folder;
    setBusy(isBusy());
}

bool TuningPage::isBusy() const
{
    return m_jobs->isBusy();
}

void TuningPage::setStrategy(bool hyperband)
{
    m_strategy->setCurrentIndex(hyperband ? 0 : 1);
}

void TuningPage::setMaxEpochs(int epochs)
{
    m_maxEpochs->setValue(epochs);
}

void TuningPage::setMaxTrials(int trials)
{
    m_maxTrials->setValue(trials);
}

void TuningPage::setSearchSpace(const QString& definitions)
{
    m_space->setPlainText(definitions);
}

int TuningPage::bestTrial() const
{
    return bestTrialIndex(m_trialRecords, m_objectiveName.isEmpty() ? TuningConfig{}.objective : metricFromName(m_objectiveName.toStdString()));
}

TrainingJobConfig TuningPage::baseJob() const
{
    TrainingJobConfig job;
    job.dataset = QDir::toNativeSeparators(m_datasetFolder).toStdString();
    job.training = m_baseConfig ? m_baseConfig() : TrainingConfig{};
    return job;
}

void TuningPage::startSearch(const QString& folder)
{
    if (isBusy())
        return;
    if (m_datasetFolder.isEmpty()) {
        emit failed(tr("Open a dataset first."));
        return;
    }
    TuningJobConfig job;
    const TrainingJobConfig base = baseJob();
    job.dataset = base.dataset;
    job.training = base.training;
    job.tuning.strategy = m_strategy->currentData().toBool() ? TuningConfig::Strategy::Hyperband : TuningConfig::Strategy::Random;
    job.tuning.maxEpochs = m_maxEpochs->value();
    job.tuning.factor = m_factor->value();
    job.tuning.maxTrials = m_maxTrials->value();
    job.tuning.objective = metricFromName(m_objective->currentText().toStdString());
    job.tuning.seed = job.training.seed;
    try {
        job.tuning.space = SearchSpace::seedDefault();
        job.tuning.space.setAll(m_space->toPlainText().toStdString());
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        m_status->setText(QString::fromStdString(e.what()));
        return;
    }
    try {
        m_folder = folder.isEmpty() ? newRunFolder(QStringLiteral("tuning")) : folder;
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        m_status->setText(QString::fromStdString(e.what()));
        return;
    }
    job.folder = m_folder.toStdString();
    m_objectiveName = m_objective->currentText();
    m_trialRecords.clear();
    m_trials->setRowCount(0);
    updateBestCurve();
    auto* worker = new TuningWorker(std::move(job));
    m_jobs->deliver(worker, &TuningWorker::stageChanged, this, [this](const QString& stage) {
        m_status->setText(stage);
        emit statusMessage(stage);
    });
    m_jobs->deliver(worker, &TuningWorker::epochFinished, this, [this](int epoch, int epochs) {
        m_status->setText(tr("Trial %1 running: epoch %2 of %3").arg(m_trialRecords.size() + 1).arg(epoch + 1).arg(epochs));
    });
    m_jobs->deliver(worker, &TuningWorker::trialFinished, this, &TuningPage::addTrial);
    m_jobs->deliver(worker, &TuningWorker::finished, this, [this](const QString& done, bool cancelled) {
        m_jobs->release();
        setBusy(false);
        const int best = bestTrial();
        m_status->setText((cancelled ? tr("Search stopped; Resume continues it. ") : tr("Search finished. ")) +
                          (best >= 0 ? tr("Best: trial %1 (%2 %3), %4")
                                           .arg(QString::fromStdString(m_trialRecords[static_cast<std::size_t>(best)].id), m_objectiveName)
                                           .arg(m_trialRecords[static_cast<std::size_t>(best)].score, 0, 'f', 4)
                                           .arg(hyperparameterText(m_trialRecords[static_cast<std::size_t>(best)].hyperparameters))
                                     : QString()));
        emit searchFinished(done, cancelled);
    });
    m_jobs->deliver(worker, &TuningWorker::failed, this, [this](const QString& message) {
        m_jobs->release();
        setBusy(false);
        m_status->setText(message);
        emit failed(message);
    });
    m_jobs->start(worker, [worker] { worker->start(); }, [worker] { worker->requestStop(); });
    setBusy(true);
}

void TuningPage::stopSearch()
{
    m_jobs->requestStop();
    m_status->setText(tr("Stopping after the current batch..."));
}

void TuningPage::addTrial(const TrialRecord& trial)
{
    m_trialRecords.push_back(trial);
    m_trials->setSortingEnabled(false);
    const int row = m_trials->rowCount();
    m_trials->insertRow(row);
    const auto number = [](double value, int decimals) {
        auto* item = new QTableWidgetItem;
        item->setData(Qt::DisplayRole, QString::number(value, 'f', decimals).toDouble());
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    m_trials->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(trial.id)));
    m_trials->setItem(row, 1, new QTableWidgetItem(QStringLiteral("%1 / %2").arg(trial.bracket).arg(trial.round)));
    m_trials->setItem(row, 2, new QTableWidgetItem(hyperparameterText(trial.hyperparameters)));
    m_trials->setItem(row, 3, number(trial.epochs, 0));
    m_trials->setItem(row, 4, number(trial.score, 4));
    m_trials->setItem(row, 5, new QTableWidgetItem(QString::fromStdString(trialStatusName(trial.status)) +
                                                   (trial.error.empty() ? QString() : QStringLiteral(": ") + QString::fromStdString(trial.error))));
    m_trials->setItem(row, 6, number(trial.seconds, 1));
    m_trials->setSortingEnabled(true);
    updateBestCurve();
}

void TuningPage::updateBestCurve()
{
    QVector<double> x, best, scores;
    const MonitoredMetric objective = m_objectiveName.isEmpty() ? TuningConfig{}.objective : metricFromName(m_objectiveName.toStdString());
    double bestScore = worstValue(objective);
    int n = 0;
    for (const TrialRecord& t : m_trialRecords) {
        if (t.status != TrialStatus::Completed)
            continue;
        ++n;
        if (improves(objective, t.score, bestScore))
            bestScore = t.score;
        x << n;
        best << bestScore;
        scores << t.score;
    }
    m_bestPlot->graph(0)->setData(x, best);
    m_bestPlot->graph(1)->setData(x, scores);
    m_bestPlot->yAxis->setLabel(m_objectiveName.isEmpty() ? tr("score") : m_objectiveName);
    setPlotEmptyHint(m_bestPlot, n == 0 ? tr("Each finished trial's score appears here: start a search") : QString());
    m_bestPlot->rescaleAxes();
    m_bestPlot->xAxis->setRange(0, std::max(1, n) + 1);
    if (!isLoss(objective))
        m_bestPlot->yAxis->setRange(0, 1.02);
    else
        m_bestPlot->yAxis->scaleRange(1.15);
    m_bestPlot->replot(QCustomPlot::rpQueuedReplot);
    m_useBest->setEnabled(!isBusy() && bestTrial() >= 0);
}

void TuningPage::startAudit()
{
    if (isBusy())
        return;
    if (m_datasetFolder.isEmpty()) {
        emit failed(tr("Open a dataset first."));
        return;
    }
    TrainingJobConfig job = baseJob();
    try {
        job.runFolder = newRunFolder(QStringLiteral("audit")).toStdString();
    } catch (const std::exception& e) {
        emit failed(QString::fromStdString(e.what()));
        return;
    }
    job.bootstrapResamples = 0;
    for (int a = 0; a < 3; ++a)
        m_auditArms[a]->setText(tr("training..."));
    const auto failedOrCancelled = [this](const QString& message) {
        setBusy(false);
        m_status->setText(message);
        emit failed(message);
    };
    m_jobs->run<SharedAudit>(
        [job](JobContext& context) {
            TrainingJobCallbacks callbacks;
            callbacks.onStage = [&](const std::string& stage) { context.progress(QString::fromStdString(stage)); };
            return std::make_shared<const LeakageAuditResult>(runLeakageAudit(job, context.control(), callbacks));
        },
        {[this](const SharedAudit& audit) {
             setBusy(false);
             showAudit(audit);
         },
         failedOrCancelled, [failedOrCancelled] { failedOrCancelled(tr("Leakage audit stopped.")); },
         [this](const QString& message) {
             m_status->setText(tr("Leakage audit: %1").arg(message));
             emit statusMessage(message);
         }});
    setBusy(true);
}

void TuningPage::showAudit(const SharedAudit& audit)
{
    m_auditResult = audit;
    for (std::size_t a = 0; a < audit->arms.size() && a < 3; ++a) {
        const auto& arm = audit->arms[a];
        m_auditArms[a]->setText(QStringLiteral("<b>%1</b><br><span style='font-size:x-large'>%2</span><br>chance %3, shared subjects %L4")
                                    .arg(QString::fromStdString(arm.name).toHtmlEscaped())
                                    .arg(arm.accuracy, 0, 'f', 3)
                                    .arg(arm.chance, 0, 'f', 3)
                                    .arg(static_cast<qulonglong>(arm.sharedSubjects)));
    }
    m_auditVerdict->setText((audit->leakage ? tr("<b>Leakage found.</b> ") : tr("<b>No leakage found.</b> ")) +
                            QString::fromStdString(audit->explanation).toHtmlEscaped());
    m_status->setText(tr("Leakage audit finished."));
    emit auditFinished();
}

void TuningPage::setBusy(bool busy)
{
    const bool ready = !busy && !m_datasetFolder.isEmpty();
    m_start->setEnabled(ready);
    m_resume->setEnabled(ready);
    m_audit->setEnabled(ready);
    m_stop->setEnabled(busy);
    m_useBest->setEnabled(!busy && bestTrial() >= 0);
}

void TuningPage::cancelAndWait()
{
    m_jobs->cancelAndWait();
}

} // namespace neurodx::ui
