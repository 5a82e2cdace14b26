// Batches from the uint8 slice cache: values, memory layout, order and completeness.
#include "ModelRegistry.h"
#include "training/BatchLoader.h"

#include <torch/torch.h>

#include <opencv2/core.hpp>

#include <QtTest>

#include <set>

using namespace neurodx;

namespace {

// Slice i holds the pixel values (i * 37 + r * 5 + c) mod 256, and label i mod 3.
SliceCache numberedCache(int count, int size)
{
    SliceCache cache;
    for (int i = 0; i < count; ++i) {
        cv::Mat slice(size, size, CV_8UC1);
        for (int r = 0; r < size; ++r)
            for (int c = 0; c < size; ++c)
                slice.at<unsigned char>(r, c) = static_cast<unsigned char>((i * 37 + r * 5 + c) % 256);
        cache.images.push_back(slice);
        cache.labels.push_back(i % 3);
        cache.entries.push_back(static_cast<std::size_t>(i));
    }
    return cache;
}

// Which cache slice a batch row came from: its top-left pixel is (i * 37) mod 256, unique for i < 256
// (37 is odd, so coprime with 256), and i = topLeft * 173 mod 256 since 37 * 173 = 1 mod 256. (A
// search loop over i returned nothing for some values when built by clang-14 with ASan and fuzzer
// coverage at -O3, while the pixel values were right.)
int sliceOf(const torch::Tensor& image)
{
    const long topLeft = std::lround(image[0][0][0].item<float>() * 255.0f);
    return topLeft >= 0 && topLeft < 256 ? static_cast<int>(topLeft * 173 % 256) : -1;
}

} // namespace

class BatchLoaderTest : public QObject {
    Q_OBJECT
private slots:
    void batchesHoldTheCacheValues_data();
    void batchesHoldTheCacheValues();
    void everySliceOncePerEpoch();
    void orderDependsOnSeedAndEpochOnly();
    void orderedBatchesKeepTheCacheOrder();
    void shardsSplitTheSingleProcessOrder_data();
    void shardsSplitTheSingleProcessOrder();
    void theLastGlobalBatchAvoidsOneSliceShares();
};

void BatchLoaderTest::batchesHoldTheCacheValues_data()
{
    QTest::addColumn<int>("channels");
    QTest::newRow("grey") << 1;
    QTest::newRow("rgb (channels-last)") << 3;
}

void BatchLoaderTest::batchesHoldTheCacheValues()
{
    QFETCH(int, channels);
    const SliceCache cache = numberedCache(10, 12);
    BatchLoader loader(cache, 4, channels, /*shuffle=*/true, std::nullopt, 7, 0);
    QCOMPARE(loader.batchCount(), 3);
    while (auto batch = loader.next()) {
        QCOMPARE(batch->images.dim(), 4);
        QCOMPARE(batch->images.size(1), std::int64_t(channels));
        QCOMPARE(batch->images.scalar_type(), torch::kFloat32);
        // The layout the model computes in, so the training thread copies nothing.
        QCOMPARE(batch->images.is_contiguous(torch::MemoryFormat::ChannelsLast), usesChannelsLast(channels) || channels == 1);
        QCOMPARE(batch->images.is_contiguous(), !usesChannelsLast(channels));
        for (std::int64_t row = 0; row < batch->images.size(0); ++row) {
            const int i = sliceOf(batch->images[row]);
            QVERIFY(i >= 0);
            QCOMPARE(batch->labels[row].item<std::int64_t>(), std::int64_t(i % 3));
            cv::Mat expected;
            cache.images[static_cast<std::size_t>(i)].convertTo(expected, CV_32F, 1.0 / 255.0);
            const torch::Tensor plane = torch::from_blob(expected.data, {12, 12}, torch::kFloat32);
            for (int c = 0; c < channels; ++c)
                QVERIFY(torch::equal(batch->images[row][c], plane));
        }
    }
    QVERIFY(!loader.next());
}

void BatchLoaderTest::everySliceOncePerEpoch()
{
    const SliceCache cache = numberedCache(23, 8);
    BatchLoader loader(cache, 5, 1, true, std::nullopt, 3, 1);
    std::multiset<int> seen;
    std::vector<std::int64_t> sizes;
    while (auto batch = loader.next()) {
        sizes.push_back(batch->images.size(0));
        for (std::int64_t row = 0; row < batch->images.size(0); ++row)
            seen.insert(sliceOf(batch->images[row]));
    }
    QCOMPARE(sizes, (std::vector<std::int64_t>{5, 5, 5, 5, 3}));
    std::multiset<int> all;
    for (int i = 0; i < 23; ++i)
        all.insert(i);
    QCOMPARE(seen, all);
}

void BatchLoaderTest::orderDependsOnSeedAndEpochOnly()
{
    const SliceCache cache = numberedCache(30, 6);
    const auto order = [&](std::uint64_t seed, int epoch) {
        std::vector<int> slices;
        BatchLoader loader(cache, 7, 1, true, std::nullopt, seed, epoch);
        while (auto batch = loader.next())
            for (std::int64_t row = 0; row < batch->images.size(0); ++row)
                slices.push_back(sliceOf(batch->images[row]));
        return slices;
    };
    const std::vector<int> first = order(5, 2);
    QCOMPARE(std::set<int>(first.begin(), first.end()).size(), std::size_t{30});
    QCOMPARE(order(5, 2), first);
    QVERIFY(order(5, 3) != first);
    QVERIFY(order(6, 2) != first);
}

void BatchLoaderTest::shardsSplitTheSingleProcessOrder_data()
{
    QTest::addColumn<int>("slices");
    QTest::addColumn<int>("batchPerRank");
    QTest::addColumn<int>("ranks");
    QTest::newRow("2 ranks, even") << 32 << 4 << 2;
    QTest::newRow("2 ranks, last global batch short") << 23 << 4 << 2;
    QTest::newRow("3 ranks, last batch leaves a rank nothing") << 25 << 4 << 3;
    QTest::newRow("4 ranks, fewer slices than a global batch") << 6 << 2 << 4;
    QTest::newRow("1 rank is the single process") << 23 << 5 << 1;
}

// Global batch k of a job of R ranks is batch k of one process whose batch is R times as large,
// rank by rank; every rank has the same number of batches, and every slice is seen once.
void BatchLoaderTest::shardsSplitTheSingleProcessOrder()
{
    QFETCH(int, slices);
    QFETCH(int, batchPerRank);
    QFETCH(int, ranks);
    const SliceCache cache = numberedCache(slices, 6);
    std::vector<std::vector<int>> single;
    {
        BatchLoader loader(cache, batchPerRank * ranks, 1, true, std::nullopt, 9, 4);
        while (auto batch = loader.next()) {
            single.emplace_back();
            for (std::int64_t row = 0; row < batch->images.size(0); ++row)
                single.back().push_back(sliceOf(batch->images[row]));
        }
    }
    std::vector<std::vector<int>> joined(single.size());
    for (int rank = 0; rank < ranks; ++rank) {
        BatchLoader loader(cache, batchPerRank, 1, true, std::nullopt, 9, 4, EpochShard{rank, ranks});
        QCOMPARE(loader.batchCount(), static_cast<int>(single.size()));
        std::size_t k = 0;
        while (auto batch = loader.next()) {
            QVERIFY(batch->images.size(0) <= batchPerRank);
            QCOMPARE(batch->labels.size(0), batch->images.size(0));
            for (std::int64_t row = 0; row < batch->images.size(0); ++row)
                joined.at(k).push_back(sliceOf(batch->images[row]));
            ++k;
        }
        QCOMPARE(k, single.size());
    }
    QCOMPARE(joined, single);
}

// 21 slices, 4 ranks of 4: the last global batch holds 5, given to two ranks (2 and 3 slices), not
// spread as 1, 1, 1, 2: batch normalisation cannot train on a single slice.
void BatchLoaderTest::theLastGlobalBatchAvoidsOneSliceShares()
{
    const SliceCache cache = numberedCache(21, 6);
    std::vector<std::int64_t> lastShares;
    for (int rank = 0; rank < 4; ++rank) {
        BatchLoader loader(cache, 4, 1, true, std::nullopt, 9, 0, EpochShard{rank, 4});
        std::int64_t last = -1;
        while (auto batch = loader.next())
            last = batch->images.size(0);
        lastShares.push_back(last);
    }
    QCOMPARE(lastShares, (std::vector<std::int64_t>{2, 3, 0, 0}));
}

void BatchLoaderTest::orderedBatchesKeepTheCacheOrder()
{
    const SliceCache cache = numberedCache(9, 6);
    std::vector<int> slices;
    int notChannelsLast = 0; // counted here, checked below: a QVERIFY in the callback would not stop the test
    forEachOrderedBatch(cache, 4, 3, [&](const Batch& batch) {
        notChannelsLast += batch.images.is_contiguous(torch::MemoryFormat::ChannelsLast) ? 0 : 1;
        for (std::int64_t row = 0; row < batch.images.size(0); ++row)
            slices.push_back(sliceOf(batch.images[row]));
    });
    QCOMPARE(notChannelsLast, 0);
    QCOMPARE(slices, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

QTEST_APPLESS_MAIN(BatchLoaderTest)
#include "tst_batchloader.moc"
