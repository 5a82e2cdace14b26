#include "TrainingWorker.h"

#include "common/NeuroDxError.h"

#include <QDateTime>

namespace neurodx::ui {

namespace {
constexpr qint64 kBatchSignalIntervalMs = 50; // at most ~20 batch signals per second
}

TrainingWorker::TrainingWorker(TrainingJobConfig job) : m_job(std::move(job))
{
    qRegisterMetaType<BatchPoint>();
    qRegisterMetaType<TrainingProgress>();
    qRegisterMetaType<EpochRecord>();
    qRegisterMetaType<QVector<BatchPoint>>();
}

void TrainingWorker::start()
{
    TrainingJobCallbacks callbacks;
    callbacks.onStage = [this](const std::string& stage) { emit stageChanged(QString::fromStdString(stage)); };
    callbacks.onEvent = [this](const TrainingEvent& event) { onEvent(event); };
    try {
        const TrainingJobResult result = runTrainingJob(m_job, m_control, callbacks);
        flushBatches();
        emit finished(QString::fromStdString(result.runFolder.string()), QString::fromStdString(result.training.stopReason), result.tested);
    } catch (const NeuroDxError& e) {
        flushBatches();
        if (e.kind() == ErrorKind::Cancelled)
            emit finished(QString::fromStdString(m_job.runFolder.string()), QStringLiteral("cancelled"), false);
        else
            emit failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        flushBatches();
        emit failed(tr("Training stopped by an unexpected error: %1").arg(QString::fromStdString(e.what())));
    }
}

void TrainingWorker::onEvent(const TrainingEvent& event)
{
    switch (event.kind) {
    case TrainingEvent::Kind::Batch: {
        const double position = event.epoch + static_cast<double>(event.batch) / std::max(1, event.batchesPerEpoch);
        m_pending.push_back({position, event.loss, event.accuracy});
        m_progress = {event.epoch, event.epochs, event.batch, event.batchesPerEpoch, event.slicesPerSecond, event.epochSeconds,
                      event.runningLoss, event.runningAccuracy};
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (now - m_lastFlush >= kBatchSignalIntervalMs || event.batch == event.batchesPerEpoch)
            flushBatches();
        break;
    }
    case TrainingEvent::Kind::Epoch:
        flushBatches();
        emit epochFinished(event.record);
        break;
    case TrainingEvent::Kind::Message:
        emit messageLogged(QString::fromStdString(event.message));
        break;
    case TrainingEvent::Kind::Model:
        emit messageLogged(QString::fromStdString(modelSummaryText(event.summary)));
        break;
    }
}

void TrainingWorker::flushBatches()
{
    if (m_pending.isEmpty())
        return;
    m_lastFlush = QDateTime::currentMSecsSinceEpoch();
    emit batchesArrived(m_pending, m_progress);
    m_pending.clear();
}

} // namespace neurodx::ui
