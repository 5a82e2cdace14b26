#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

class QThread;

namespace neurodx::ui {

// One engine job's thread. start() moves the worker (a parentless QObject) onto a fresh thread and
// runs `run` there; stop() asks the job to cancel, then waits for it and frees thread and worker.
// Destroying a WorkerThread stops its job, so a closing window never leaves a thread behind.
class WorkerThread final : public QObject {
    Q_OBJECT
public:
    explicit WorkerThread(QObject* parent = nullptr);
    ~WorkerThread() override;

    // `requestStop` must be thread-safe (it is called from the GUI thread while `run` works).
    void start(QObject* worker, std::function<void()> run, std::function<void()> requestStop);
    // Cancels (when `cancel`) and waits for the job to return.
    void stop(bool cancel = true);
    bool isRunning() const { return m_thread != nullptr; }
    QObject* worker() const { return m_worker; }

private:
    QThread* m_thread = nullptr;
    QPointer<QObject> m_worker;
    std::function<void()> m_requestStop;
};

} // namespace neurodx::ui
