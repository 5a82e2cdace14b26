#pragma once

#include "training/TrainingControl.h"

#include <QObject>
#include <QVariant>

#include <functional>

namespace neurodx::ui {

// A one-shot engine job for a worker thread: evaluate a model, read a run folder, run the leakage
// audit, predict a folder. The body gets the job control (cancel) and a progress callback; what it returns
// arrives in succeeded(); a NeuroDxError or any exception becomes failed() with its message (a
// cancelled job: cancelled()). Progress is throttled to ~20 signals per second.
class EngineTask final : public QObject {
    Q_OBJECT
public:
    using Progress = std::function<void(const QString& message)>;
    using Body = std::function<QVariant(TrainingControl& control, const Progress& progress)>;

    explicit EngineTask(Body body) : m_body(std::move(body)) {}

    void run();
    void requestStop() { m_control.cancel(); } // thread-safe

signals:
    void progressed(const QString& message);
    void succeeded(const QVariant& result);
    void failed(const QString& message);
    void cancelled();

private:
    Body m_body;
    TrainingControl m_control;
};

} // namespace neurodx::ui
