#include "TuningWorker.h"

#include "common/NeuroDxError.h"

namespace neurodx::ui {

TuningWorker::TuningWorker(TuningJobConfig job) : m_job(std::move(job))
{
    qRegisterMetaType<TrialRecord>();
}

void TuningWorker::start()
{
    TuningJobCallbacks callbacks;
    callbacks.onStage = [this](const std::string& stage) { emit stageChanged(QString::fromStdString(stage)); };
    callbacks.onTrial = [this](const TrialRecord& trial) { emit trialFinished(trial); };
    callbacks.onEvent = [this](const TrainingEvent& event) {
        if (event.kind == TrainingEvent::Kind::Epoch)
            emit epochFinished(event.record.epoch, event.epochs);
    };
    try {
        const TuningResult result = runTuningJob(m_job, m_control, callbacks);
        emit finished(QString::fromStdString(m_job.folder.string()), result.cancelled);
    } catch (const NeuroDxError& e) {
        if (e.kind() == ErrorKind::Cancelled)
            emit finished(QString::fromStdString(m_job.folder.string()), true);
        else
            emit failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        emit failed(tr("Tuning stopped by an unexpected error: %1").arg(QString::fromStdString(e.what())));
    }
}

} // namespace neurodx::ui
