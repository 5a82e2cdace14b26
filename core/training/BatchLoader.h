#pragma once

#include "training/SliceCache.h"
#include "training/TrainingConfig.h"

#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace neurodx {

class SeededRandom;

struct Batch {
    torch::Tensor images; // N x C x H x W, float in [0, 1]; channels-last where the model computes so (usesChannelsLast)
    torch::Tensor labels; // N, int64
};

// Turns a SliceCache into batches for one epoch. The order is a seeded shuffle of (seed, epoch), and
// augmentation draws from its own (seed, epoch) stream, so a run resumed at epoch k sees exactly
// the batches an uninterrupted run would. A background thread prepares the next batches while the
// current one trains.
class BatchLoader {
public:
    BatchLoader(const SliceCache& cache, int batchSize, int channels, bool shuffle,
                std::optional<AugmentationConfig> augmentation, std::uint64_t seed, int epoch);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    int batchCount() const { return m_batchCount; }
    // The next batch, or nothing after the last one.
    std::optional<Batch> next();

private:
    void produce();
    Batch makeBatch(int batchIndex, SeededRandom& random) const;

    const SliceCache& m_cache;
    int m_batchSize;
    int m_channels;
    std::optional<AugmentationConfig> m_augmentation;
    std::uint64_t m_augmentationSeed;
    std::vector<std::size_t> m_order;
    int m_batchCount;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_ready;
    int m_produced = 0;
    int m_consumed = 0;
    bool m_stop = false;
    std::thread m_thread;
};

// Calls `consume` with a cache's slices in order, without augmentation (validation, evaluation).
void forEachOrderedBatch(const SliceCache& cache, int batchSize, int channels, const std::function<void(const Batch&)>& consume);

} // namespace neurodx
