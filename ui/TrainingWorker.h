#pragma once

#include "training/TrainingJob.h"

#include <QMetaType>
#include <QObject>
#include <QVector>

namespace neurodx::ui {

// One training batch on the curves: x in epochs (epoch + batch / batches per epoch).
struct BatchPoint {
    double position = 0;
    double loss = 0;
    double accuracy = 0;
};

// Where a running training stands, for progress bars and the ETA.
struct TrainingProgress {
    int epoch = 0; // 0-based
    int epochs = 0;
    int batch = 0; // 1-based
    int batchesPerEpoch = 0;
    double slicesPerSecond = 0;
    double epochSeconds = 0;
    double runningLoss = 0;
    double runningAccuracy = 0;
};

// Runs a training job (scan, split, decode, train, test) on its own thread: the only bridge between
// the training page and the engine. Batch events are gathered and sent at most ~20 times a second
// (none is dropped: each signal carries all batches since the last), epochs and messages at once.
class TrainingWorker final : public QObject {
    Q_OBJECT
public:
    explicit TrainingWorker(TrainingJobConfig job);

    // Thread-safe: called from the GUI thread while start() runs.
    void requestStop() { m_control.cancel(); }
    void pause() { m_control.pause(); }
    void resume() { m_control.resume(); }
    bool isPaused() const { return m_control.isPaused(); }

    void start();

signals:
    void stageChanged(const QString& stage);
    void batchesArrived(const QVector<neurodx::ui::BatchPoint>& points, const neurodx::ui::TrainingProgress& progress);
    void epochFinished(const neurodx::EpochRecord& record);
    void messageLogged(const QString& message);
    // stopReason: "completed", "early stopping", "cancelled", "loss is NaN"; tested: metrics.json exists.
    void finished(const QString& runFolder, const QString& stopReason, bool tested);
    void failed(const QString& message);

private:
    void onEvent(const TrainingEvent& event);
    void flushBatches();

    TrainingJobConfig m_job;
    TrainingControl m_control;
    QVector<BatchPoint> m_pending;
    TrainingProgress m_progress;
    qint64 m_lastFlush = 0;
};

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::BatchPoint)
Q_DECLARE_METATYPE(neurodx::ui::TrainingProgress)
Q_DECLARE_METATYPE(neurodx::EpochRecord)
