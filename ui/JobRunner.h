#pragma once

#include "training/TrainingControl.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

class QThread;

namespace neurodx::ui {

// What a running job sees of its runner: the control the engine polls (cancel, pause) and a
// progress report, throttled to ~20 a second. Used on the job's own thread only.
class JobContext {
public:
    TrainingControl& control() { return *m_control; }
    const CancelToken& cancelToken() const { return m_control->cancelToken(); }
    bool isCancelled() const { return m_control->isCancelled(); }
    void progress(const QString& message);

private:
    friend class JobRunner;
    using Post = std::function<void(std::function<void()>)>;
    JobContext(std::shared_ptr<TrainingControl> control, Post post, std::function<void(const QString&)> onProgress);

    std::shared_ptr<TrainingControl> m_control;
    Post m_post;
    std::function<void(const QString&)> m_onProgress;
    QElapsedTimer m_sinceProgress;
};

// Runs one page's engine jobs, one at a time, each on a thread of its own. Starting a job replaces
// the current one: that one is told to cancel and left to end on its own thread (the GUI thread
// never waits for it), and whatever it still reports is dropped: every report carries its job's id
// and only the current job's get through. Results arrive typed, on the GUI thread. Only the
// destructor waits for threads (cancelled first): when a page or dialog closes, not during its life.
class JobRunner final : public QObject {
    Q_OBJECT
public:
    using Id = quint64;

    template <class Result>
    struct Handlers {
        std::function<void(Result)> done;
        std::function<void(const QString& message)> failed;       // a NeuroDxError's text, or "Unexpected error: ..."
        std::function<void()> cancelled = {};                       // the job saw cancel() (default: nothing)
        std::function<void(const QString& message)> progress = {};  // JobContext::progress
    };

    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;

    // Runs `body` on a new thread, replacing the current job. A NeuroDxError (or any exception) the
    // body throws reaches `failed`, a cancelled one `cancelled`; either way the job is over when its
    // handler runs (isBusy() is false again).
    template <class Result>
    Id run(std::function<Result(JobContext&)> body, Handlers<Result> handlers);

    // A QObject worker that reports through its own signals (training, tuning, import, dataset
    // scan): moved to a new thread, where `work` runs; `requestStop` must be thread-safe. Connect
    // its signals with deliver() first, so that a replaced worker's late signals are dropped.
    Id start(QObject* worker, std::function<void()> work, std::function<void()> requestStop);
    // connect(worker, signal, context, slot) for the worker the next start() runs, delivered only
    // while its job is current. Call it just before that start().
    template <class Worker, class Signal, class Receiver, class Slot>
    void deliver(Worker* worker, Signal signal, Receiver* context, Slot slot);

    // Asks the current job to stop and still delivers what it reports (a training's last epoch).
    void requestStop();
    // Asks the current job to cancel and forgets it: nothing it reports afterwards is delivered.
    void cancel();
    // Forgets the current job without cancelling it (its last report arrived: it is ending).
    void release();
    bool isBusy() const { return m_current != 0; }
    // For closing only: cancels every job, current or replaced, and waits for their threads.
    void cancelAndWait();
    Id currentJob() const { return m_current; }

private:
    using Body = std::function<void(JobContext&)>;
    struct FailureHandlers {
        std::function<void(const QString&)> failed;
        std::function<void()> cancelled;
        std::function<void(const QString&)> progress;
    };
    // `body` computes the result on the job's thread and hands the GUI-thread delivery to
    // JobContext::m_post; failures and cancellation are handled around it here.
    Id startBody(std::function<std::function<void()>(JobContext&)> body, FailureHandlers handlers);
    Id startThread(QThread* thread, std::function<void()> requestStop, QObject* worker = nullptr);
    // Queues `deliver` to the GUI thread, to run only if job `id` is still current then.
    void post(Id id, std::function<void()> deliver);

    struct Job {
        Id id;
        QThread* thread;
        std::function<void()> requestStop;
        // A start()ed worker, deleted here on the GUI thread once its thread has ended, so that
        // requestStop() can never reach a worker that is already gone.
        QObject* worker = nullptr;
    };
    std::vector<Job> m_jobs; // every job whose thread has not ended, current or replaced
    Id m_current = 0;
    Id m_lastId = 0;
};

template <class Result>
JobRunner::Id JobRunner::run(std::function<Result(JobContext&)> body, Handlers<Result> handlers)
{
    auto done = std::move(handlers.done);
    return startBody(
        [body = std::move(body), done = std::move(done)](JobContext& job) -> std::function<void()> {
            // Shared: std::function needs a copyable closure, and results (index, volume) are large.
            auto result = std::make_shared<Result>(body(job));
            return [done, result] { done(std::move(*result)); };
        },
        {std::move(handlers.failed), std::move(handlers.cancelled), std::move(handlers.progress)});
}

template <class Worker, class Signal, class Receiver, class Slot>
void JobRunner::deliver(Worker* worker, Signal signal, Receiver* context, Slot slot)
{
    connect(worker, signal, context, [this, context, id = m_lastId + 1, slot = std::move(slot)](const auto&... args) {
        (void)context; // used by the member-function branch only
        if (id != m_current)
            return;
        if constexpr (std::is_member_function_pointer_v<Slot>)
            std::invoke(slot, context, args...);
        else
            slot(args...);
    });
}

} // namespace neurodx::ui
