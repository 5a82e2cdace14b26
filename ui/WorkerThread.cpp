#include "WorkerThread.h"

#include <QThread>

namespace neurodx::ui {

WorkerThread::WorkerThread(QObject* parent) : QObject(parent) {}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::start(QObject* worker, std::function<void()> run, std::function<void()> requestStop)
{
    stop();
    m_thread = new QThread(this);
    m_worker = worker;
    m_requestStop = std::move(requestStop);
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, [run = std::move(run)] { run(); });
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    m_thread->start();
}

void WorkerThread::stop(bool cancel)
{
    if (!m_thread)
        return;
    if (cancel && m_requestStop)
        m_requestStop();
    m_thread->quit();
    m_thread->wait();
    delete m_thread; // the worker is deleted through the thread's finished signal
    m_thread = nullptr;
    m_requestStop = nullptr;
}

} // namespace neurodx::ui
