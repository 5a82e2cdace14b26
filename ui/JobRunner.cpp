#include "JobRunner.h"

#include "common/NeuroDxError.h"

#include <QThread>

#include <algorithm>

namespace neurodx::ui {

JobContext::JobContext(std::shared_ptr<TrainingControl> control, Post post, std::function<void(const QString&)> onProgress)
    : m_control(std::move(control)), m_post(std::move(post)), m_onProgress(std::move(onProgress))
{
}

void JobContext::progress(const QString& message)
{
    if (!m_onProgress)
        return;
    if (m_sinceProgress.isValid() && m_sinceProgress.elapsed() < 50)
        return;
    m_sinceProgress.start();
    m_post([report = m_onProgress, message] { report(message); });
}

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner()
{
    // The page or dialog is closing: no job outlives what it reports to.
    cancelAndWait();
}

void JobRunner::cancelAndWait()
{
    m_current = 0;
    for (const Job& job : m_jobs)
        if (job.requestStop)
            job.requestStop();
    for (const Job& job : m_jobs) {
        job.thread->quit();
        job.thread->wait();
        delete job.worker;
        delete job.thread;
    }
    m_jobs.clear();
}

void JobRunner::post(Id id, std::function<void()> deliver)
{
    QMetaObject::invokeMethod(this, [this, id, deliver = std::move(deliver)] {
        if (id == m_current)
            deliver();
    }, Qt::QueuedConnection);
}

JobRunner::Id JobRunner::startBody(std::function<std::function<void()>(JobContext&)> body, FailureHandlers handlers)
{
    const Id id = m_lastId + 1;
    auto control = std::make_shared<TrainingControl>();
    const auto finish = [this, id](std::function<void()> deliver) {
        post(id, [this, deliver = std::move(deliver)] {
            m_current = 0; // over before its handler runs: the handler may start the next job
            if (deliver)
                deliver();
        });
    };
    QThread* thread = QThread::create([this, id, control, finish, body = std::move(body), handlers = std::move(handlers)] {
        JobContext job(control, [this, id](std::function<void()> deliver) { post(id, std::move(deliver)); }, handlers.progress);
        const auto failed = [&](const QString& message) { finish([report = handlers.failed, message] { report(message); }); };
        try {
            std::function<void()> deliver = body(job);
            finish(control->isCancelled() ? handlers.cancelled : std::move(deliver));
        } catch (const NeuroDxError& e) {
            if (e.kind() == ErrorKind::Cancelled || control->isCancelled())
                finish(handlers.cancelled);
            else
                failed(QString::fromStdString(e.what()));
        } catch (const std::exception& e) {
            failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())));
        }
    });
    return startThread(thread, [control] { control->cancel(); });
}

JobRunner::Id JobRunner::start(QObject* worker, std::function<void()> work, std::function<void()> requestStop)
{
    auto* thread = new QThread;
    worker->moveToThread(thread);
    // The worker does its whole job in `work`; then its thread's event loop has nothing left to do.
    connect(thread, &QThread::started, worker, [thread, work = std::move(work)] {
        work();
        thread->quit();
    });
    return startThread(thread, std::move(requestStop), worker);
}

JobRunner::Id JobRunner::startThread(QThread* thread, std::function<void()> requestStop, QObject* worker)
{
    cancel();
    const Id id = ++m_lastId;
    m_jobs.push_back({id, thread, std::move(requestStop), worker});
    m_current = id;
    // A thread that ended is freed on the GUI thread, whether its job is current or long replaced.
    connect(thread, &QThread::finished, this, [this, thread] {
        const auto job = std::find_if(m_jobs.begin(), m_jobs.end(), [&](const Job& j) { return j.thread == thread; });
        if (job == m_jobs.end())
            return;
        delete job->worker; // its thread has ended: no event of it is being processed
        m_jobs.erase(job);
        thread->deleteLater();
    });
    thread->start();
    return id;
}

void JobRunner::requestStop()
{
    for (const Job& job : m_jobs)
        if (job.id == m_current && job.requestStop)
            job.requestStop();
}

void JobRunner::cancel()
{
    requestStop();
    m_current = 0;
}

void JobRunner::release()
{
    m_current = 0;
}

} // namespace neurodx::ui
