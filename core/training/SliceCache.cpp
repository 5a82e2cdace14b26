#include "SliceCache.h"

#include "common/TextUtil.h"
#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "imaging/SliceLoader.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace neurodx {

cv::Mat cachedSlice(const Slice& slice, const PreprocessConfig& input)
{
    const cv::Mat unit = modelInput(slice, {input.size, 1});
    cv::Mat bytes;
    unit.convertTo(bytes, CV_8U, 255.0); // rounds; 8-bit PNGs round-trip exactly
    return bytes;
}

SliceCache buildSliceCache(const DatasetIndex& index, const std::vector<std::size_t>& entries, const PreprocessConfig& input,
                           int threads, const CancelToken* cancel, const std::function<void(std::size_t, std::size_t)>& progress)
{
    const std::size_t total = entries.size();
    std::vector<cv::Mat> images(total);
    std::vector<std::string> errors(total);
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> done{0};
    std::mutex progressMutex;

    const auto work = [&] {
        for (std::size_t i = next++; i < total; i = next++) {
            if (cancel && cancel->isCancelled())
                return;
            try {
                images[i] = cachedSlice(loadSlice(index.absolutePath(index.entries.at(entries[i]))), input);
            } catch (const NeuroDxError& e) {
                // The path goes in the problem's own field; keep only the reason here.
                const std::string what = e.what();
                const std::string prefix = e.file().string() + ": ";
                errors[i] = what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
            } catch (const std::exception& e) {
                errors[i] = "cannot be decoded (" + conciseReason(e.what()) + ")";
            }
            const std::size_t finished = ++done;
            if (progress && (finished % 64 == 0 || finished == total)) {
                const std::lock_guard<std::mutex> lock(progressMutex);
                progress(finished, total);
            }
        }
    };
    const unsigned workers = static_cast<unsigned>(std::max(1, threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < std::min<std::size_t>(workers, std::max<std::size_t>(total, 1)); ++w)
        pool.emplace_back(work);
    work();
    for (std::thread& t : pool)
        t.join();
    if (cancel && cancel->isCancelled())
        throw NeuroDxError(ErrorKind::Cancelled, "loading slices was cancelled");

    SliceCache cache;
    for (std::size_t i = 0; i < total; ++i) {
        const DatasetEntry& entry = index.entries.at(entries[i]);
        if (images[i].empty()) {
            cache.problems.push_back({entry.path, errors[i]});
            continue;
        }
        cache.images.push_back(std::move(images[i]));
        cache.labels.push_back(entry.label);
        cache.entries.push_back(entries[i]);
    }
    return cache;
}

} // namespace neurodx
