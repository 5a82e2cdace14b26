#pragma once

#include "EngineTypes.h"

#include "tuning/TuningJob.h"

#include <QObject>

namespace neurodx::ui {

// Runs a Hyperband or random search on its own thread (the tuning page's only bridge to the
// engine): a signal per finished trial, stage messages, and epoch-level progress of the running trial.
class TuningWorker final : public QObject {
    Q_OBJECT
public:
    explicit TuningWorker(TuningJobConfig job);

    void requestStop() { m_control.cancel(); } // thread-safe
    void start();

signals:
    void stageChanged(const QString& stage);
    void trialFinished(const neurodx::TrialRecord& trial);
    void epochFinished(int epoch, int epochs);
    void finished(const QString& folder, bool cancelled);
    void failed(const QString& message);

private:
    TuningJobConfig m_job;
    TrainingControl m_control;
};

} // namespace neurodx::ui
