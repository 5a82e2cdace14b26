#pragma once

#include "common/CancelToken.h"
#include "common/NeuroDxError.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace neurodx {

// Runs work(i) for i in [0, count) on up to `maxThreads` threads (the caller's among them), for
// independent file-sized tasks (decoding DICOM files, reading headers). The first exception stops
// the rest and is rethrown; a set cancel token stops between tasks and throws
// NeuroDxError(Cancelled) with `cancelMessage`.
template <typename Work>
void parallelFor(std::size_t count, const CancelToken* cancel, const Work& work, unsigned maxThreads = 8,
                 const std::string& cancelMessage = "cancelled")
{
    const std::size_t threads = std::max<std::size_t>(1, std::min<std::size_t>({count, std::thread::hardware_concurrency(), maxThreads}));
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto run = [&] {
        for (std::size_t i = next++; i < count; i = next++) {
            if ((cancel && cancel->isCancelled()) || failed.load())
                return;
            try {
                work(i);
            } catch (...) {
                const std::lock_guard<std::mutex> lock(failureMutex);
                if (!failure)
                    failure = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(run);
    run();
    for (std::thread& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
    if (cancel && cancel->isCancelled())
        throw NeuroDxError(ErrorKind::Cancelled, cancelMessage);
}

} // namespace neurodx
