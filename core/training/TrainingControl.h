#pragma once

#include "common/CancelToken.h"

#include <condition_variable>
#include <mutex>

namespace neurodx {

// Stop, pause and resume for a running training, set from any thread (the GUI's buttons, Ctrl-C)
// and checked by the trainer between batches.
class TrainingControl {
public:
    void cancel()
    {
        {
            // Set under the mutex the waiter checks under: a waiter that has just seen "not
            // cancelled" is already asleep when this runs and is woken; unlocked, the notification
            // could fall between its check and its sleep and the Stop was lost (tst_trainingcontrol).
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_cancel.cancel();
        }
        m_changed.notify_all();
    }
    void pause()
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_paused = true;
    }
    void resume()
    {
        {
            const std::lock_guard<std::mutex> lock(m_mutex);
            m_paused = false;
        }
        m_changed.notify_all();
    }
    bool isPaused() const
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        return m_paused;
    }
    bool isCancelled() const { return m_cancel.isCancelled(); }
    const CancelToken& cancelToken() const { return m_cancel; }

    // Blocks while paused; returns at once when cancelled.
    void waitWhilePaused()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [&] { return !m_paused || m_cancel.isCancelled(); });
    }

private:
    CancelToken m_cancel;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_paused = false;
};

} // namespace neurodx
