#pragma once

#include "dataset/DatasetIndex.h"
#include "imaging/ModelInput.h"

#include <opencv2/core/mat.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// Decoded, windowed and resized slices kept as 8-bit grey (size x size): 64 KiB per 256x256 slice,
// a quarter of float, so an ADNI-sized set (5,154 slices) needs ~340 MB. Decoded once, reused by
// every epoch; augmentation works on these bytes.
struct SliceCache {
    std::vector<cv::Mat> images;       // CV_8UC1, size x size
    std::vector<int> labels;
    std::vector<std::size_t> entries;  // index into DatasetIndex::entries
    std::vector<SkippedFile> problems; // files that failed to decode: path + reason

    std::size_t size() const { return images.size(); }
};

// Loads `entries` of `index` with `threads` workers (0 = all cores). A file that fails to decode
// becomes a problem entry, the rest goes on. Throws NeuroDxError(Cancelled) when cancelled.
SliceCache buildSliceCache(const DatasetIndex& index, const std::vector<std::size_t>& entries, const PreprocessConfig& input,
                           int threads = 0, const CancelToken* cancel = nullptr,
                           const std::function<void(std::size_t done, std::size_t total)>& progress = {});

// One slice as the cache stores it: modelInput(), grey, quantised to 8 bits.
cv::Mat cachedSlice(const Slice& slice, const PreprocessConfig& input);

} // namespace neurodx
