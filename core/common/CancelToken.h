#pragma once

#include <atomic>

namespace neurodx {

// Asked by a caller (the GUI's Stop button, Ctrl-C) and checked by engine loops between units of
// work: between files in a scan, between batches in training. Never interrupts a unit midway, so
// what was written stays valid.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

} // namespace neurodx
