#include "BatchLoader.h"

#include "ModelRegistry.h"
#include "common/Platform.h"
#include "common/SeededRandom.h"
#include "training/Augmentation.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#if defined(__linux__)
#endif
#include <numeric>

namespace neurodx {

namespace {

constexpr int kPrefetchDepth = 2;

// Batches come out in the memory layout the model computes in (channels-last for 3-channel models,
// see ModelRegistry), written in one pass here on the loader thread: converting on the training
// thread cost 3% of the tuned CNN's step, and on two cores every pass the loader makes is taken
// from the step as well.
Batch batchOf(const SliceCache& cache, const std::vector<std::size_t>& indices, int channels,
              const std::optional<AugmentationConfig>& augmentation, SeededRandom* random)
{
    const int n = static_cast<int>(indices.size());
    const int rows = cache.images.front().rows;
    const int cols = cache.images.front().cols;
    const bool interleaved = usesChannelsLast(channels);
    torch::Tensor images = torch::empty({n, channels, rows, cols},
                                        torch::TensorOptions(torch::kFloat32)
                                            .memory_format(interleaved ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous));
    torch::Tensor labels = torch::empty({n}, torch::kInt64);
    float* out = images.data_ptr<float>();
    std::int64_t* labelOut = labels.data_ptr<std::int64_t>();
    const std::size_t plane = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
    const std::size_t channelCount = static_cast<std::size_t>(channels);
    for (int i = 0; i < n; ++i) {
        const std::size_t index = indices[static_cast<std::size_t>(i)];
        cv::Mat slice = cache.images[index];
        if (augmentation && random)
            slice = augmentSlice(slice, *augmentation, *random);
        float* dst = out + static_cast<std::size_t>(i) * channelCount * plane;
        for (int r = 0; r < rows; ++r) {
            const unsigned char* src = slice.ptr<unsigned char>(r);
            float* row = dst + static_cast<std::size_t>(r) * static_cast<std::size_t>(cols) * (interleaved ? channelCount : 1);
            if (interleaved && channelCount == 3) { // the common case, unrolled so that it vectorises
                for (int c = 0; c < cols; ++c) {
                    const float value = src[c] * (1.0f / 255.0f);
                    row[3 * c] = value;
                    row[3 * c + 1] = value;
                    row[3 * c + 2] = value;
                }
            } else if (interleaved) {
                for (int c = 0; c < cols; ++c)
                    for (std::size_t k = 0; k < channelCount; ++k)
                        row[static_cast<std::size_t>(c) * channelCount + k] = src[c] * (1.0f / 255.0f);
            } else {
                for (int c = 0; c < cols; ++c)
                    row[c] = src[c] * (1.0f / 255.0f);
            }
        }
        if (!interleaved) {
            for (std::size_t c = 1; c < channelCount; ++c)
                std::memcpy(dst + c * plane, dst, plane * sizeof(float));
        }
        labelOut[i] = cache.labels[index];
    }
    return {images, labels};
}

} // namespace

BatchLoader::BatchLoader(const SliceCache& cache, int batchSize, int channels, bool shuffle,
                         std::optional<AugmentationConfig> augmentation, std::uint64_t seed, int epoch, EpochShard shard)
    : m_cache(cache),
      m_batchSize(batchSize),
      m_channels(channels),
      m_shard(shard),
      m_augmentation(std::move(augmentation)),
      // Rank 0 draws what a single process draws; the other ranks their own streams.
      m_augmentationSeed(shard.rank == 0 ? SeededRandom::derive(seed, 0xA06000ull + static_cast<std::uint64_t>(epoch))
                                         : SeededRandom::derive(SeededRandom::derive(seed, 0xA06000ull + static_cast<std::uint64_t>(epoch)),
                                                                static_cast<std::uint64_t>(shard.rank))),
      m_order(cache.size())
{
    const std::size_t globalBatch = static_cast<std::size_t>(batchSize) * static_cast<std::size_t>(std::max(1, shard.worldSize));
    m_batchCount = static_cast<int>((cache.size() + globalBatch - 1) / globalBatch);
    std::iota(m_order.begin(), m_order.end(), std::size_t{0});
    if (shuffle) {
        SeededRandom random(SeededRandom::derive(seed, 0x5F0000ull + static_cast<std::uint64_t>(epoch)));
        random.shuffle(m_order);
    }
    if (m_batchCount > 0)
        m_thread = std::thread(&BatchLoader::produce, this);
}

BatchLoader::~BatchLoader()
{
    {
        const std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

Batch BatchLoader::makeBatch(int batchIndex, SeededRandom& random) const
{
    // Rank r's share of global batch k: a full batch gives each rank batch-size slices; the last,
    // shorter one is spread evenly over as few ranks as fit it, with at least two slices each where
    // it can (batch normalisation cannot train on one: DataParallel::canTrainOn).
    const std::size_t ranks = static_cast<std::size_t>(std::max(1, m_shard.worldSize));
    const std::size_t rank = static_cast<std::size_t>(m_shard.rank);
    const std::size_t batch = static_cast<std::size_t>(m_batchSize);
    const std::size_t globalSize = batch * ranks;
    const std::size_t globalBegin = static_cast<std::size_t>(batchIndex) * globalSize;
    const std::size_t count = std::min(globalSize, m_order.size() - globalBegin);
    const std::size_t sharing =
        count == globalSize ? ranks : std::max((count + batch - 1) / batch, std::clamp<std::size_t>(count / 2, 1, ranks));
    const std::size_t begin = globalBegin + (rank < sharing ? count * rank / sharing : count);
    const std::size_t end = globalBegin + (rank < sharing ? count * (rank + 1) / sharing : count);
    const std::vector<std::size_t> indices(m_order.begin() + static_cast<std::ptrdiff_t>(begin), m_order.begin() + static_cast<std::ptrdiff_t>(end));
    return batchOf(m_cache, indices, m_channels, m_augmentation, &random);
}

void BatchLoader::produce()
{
    // Lowest priority for this thread only: when the compute threads hold every core, a loader
    // that preempts one of them stalls the whole parallel region at its barrier; at nice 19 it runs
    // in the step's serial phases instead, and the step waits for it only when it is behind. Tuned
    // CNN on two cores: pipeline 89-95% -> 94-96% of ready-tensor speed. Refused: it runs as is.
    platform::lowerCurrentThreadPriority();
    // One augmentation stream, consumed in batch order on this one thread: deterministic.
    SeededRandom random(m_augmentationSeed);
    for (int b = 0; b < m_batchCount; ++b) {
        Batch batch = makeBatch(b, random);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stop || static_cast<int>(m_ready.size()) < kPrefetchDepth; });
        if (m_stop)
            return;
        m_ready.push_back(std::move(batch));
        ++m_produced;
        m_changed.notify_all();
    }
}

std::optional<Batch> BatchLoader::next()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_consumed >= m_batchCount)
        return std::nullopt;
    m_changed.wait(lock, [&] { return !m_ready.empty(); });
    Batch batch = std::move(m_ready.front());
    m_ready.pop_front();
    ++m_consumed;
    m_changed.notify_all();
    return batch;
}

void forEachOrderedBatch(const SliceCache& cache, int batchSize, int channels, const std::function<void(const Batch&)>& consume)
{
    for (std::size_t begin = 0; begin < cache.size(); begin += static_cast<std::size_t>(batchSize)) {
        std::vector<std::size_t> indices;
        for (std::size_t i = begin; i < std::min(cache.size(), begin + static_cast<std::size_t>(batchSize)); ++i)
            indices.push_back(i);
        consume(batchOf(cache, indices, channels, std::nullopt, nullptr));
    }
}

} // namespace neurodx
