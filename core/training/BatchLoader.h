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

// One rank's share of every global batch in data-parallel training. Global batch k is positions
// [k*G, k*G + G) of the epoch's shuffled order, G = batch size x world size; rank r takes its r-th
// run of batch-size positions (the last, shorter global batch is spread evenly: a rank may get
// fewer, or none). So each slice is seen once per epoch by one rank, and the global order is the
// single-process order.
struct EpochShard {
    int rank = 0;
    int worldSize = 1;
};

// Turns a SliceCache into batches for one epoch. The order is a seeded shuffle of (seed, epoch), and
// augmentation draws from its own (seed, epoch) stream, so a run resumed at epoch k sees exactly
// the batches an uninterrupted run would. A background thread prepares the next batches while the
// current one trains.
class BatchLoader {
public:
    BatchLoader(const SliceCache& cache, int batchSize, int channels, bool shuffle,
                std::optional<AugmentationConfig> augmentation, std::uint64_t seed, int epoch, EpochShard shard = {});
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // The same on every rank of a shard: the number of global batches.
    int batchCount() const { return m_batchCount; }
    // The next batch (empty on a rank the last global batch leaves nothing), or nothing after the last one.
    std::optional<Batch> next();

private:
    void produce();
    Batch makeBatch(int batchIndex, SeededRandom& random) const;

    const SliceCache& m_cache;
    int m_batchSize;
    int m_channels;
    EpochShard m_shard;
    std::optional<AugmentationConfig> m_augmentation;
    std::uint64_t m_augmentationSeed;
    std::vector<std::size_t> m_order;
    int m_batchCount = 0;

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
