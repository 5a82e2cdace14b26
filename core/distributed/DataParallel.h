#pragma once

#include "training/BatchLoader.h"
#include "training/TrainingHistory.h"

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class Classifier;
class DistributedGroup;

// What one training step adds up to over all ranks.
struct StepTotals {
    double meanLoss = 0;    // the loss the step descended: the global batch's (class-weighted) mean
    double lossSum = 0;     // sum of the (class-weighted) per-slice losses
    double weightSum = 0;   // the loss's denominator: slices, or their class weights
    double correct = 0;
    double slices = 0;
    bool stop = false;      // some rank was cancelled (Ctrl-C, SIGTERM)
    bool nonFinite = false; // some rank's loss was NaN or infinite
};

// The trainer's side of a data-parallel job, as PyTorch's DistributedDataParallel does it without
// the autograd hooks: the same initial weights everywhere, gradients summed over ranks in a few
// large buckets after backward and divided by the global batch's loss denominator (so the step is
// the single-process step on the global batch), and every decision taken from numbers all ranks
// share. Without a group every call is the single-process identity.
class DataParallel {
public:
    // `group` may be null (one process). The model's trainable parameters are bucketed in order.
    // `imageSize`: the model's input size (0: unknown), which decides whether batch normalisation
    // can train on a single slice (canTrainOn).
    DataParallel(DistributedGroup* group, Classifier& model, int imageSize = 0, std::size_t bucketBytes = kDefaultBucketBytes);

    static constexpr std::size_t kDefaultBucketBytes = 25u << 20; // as DistributedDataParallel

    bool isActive() const { return m_group != nullptr; }
    bool isLeader() const;
    int rank() const;
    int worldSize() const;
    EpochShard shard() const { return {rank(), worldSize()}; }
    std::size_t bucketCount() const { return m_buckets.size(); }
    // Whether a batch of `slices` can be trained on: batch normalisation in training mode cannot
    // normalise one value per channel (LibTorch refuses), which ResNet50V2's last layers see for
    // one slice below 64 px (the features are 1/32 of the input): there a one-slice batch or share
    // is skipped.
    bool canTrainOn(std::int64_t slices) const { return slices > 1 || (slices == 1 && !m_oneSliceFails); }

    // Parameters and buffers (batch-norm statistics) from rank 0 to every rank.
    void broadcastModel(const char* when);
    // Buffers only: the ranks' batch-norm statistics drift apart (each sees its own batches); rank
    // 0's are the ones checkpointed, so every rank validates with them, as DDP's broadcast_buffers.
    void broadcastBuffers();
    // After backward on this rank's summed loss: sums the gradients and the step's totals over all
    // ranks and divides the gradients by the global weight sum. A rank whose share of the batch was
    // empty (or that is stopping) contributes zeros.
    StepTotals reduceStep(const StepTotals& local);
    // Validation sums (loss sum, correct) from every rank's part.
    std::vector<double> sum(std::vector<double> values, const char* what);
    // Rank 0's text on every rank (the optimizer state, the history on resume).
    std::string fromLeader(const std::string& text, const char* what);
    // Rank 0's history on every rank (a resumed run's epochs so far).
    std::vector<EpochRecord> historyFromLeader(const std::vector<EpochRecord>& history);
    // Runs `work` on rank 0 only and tells the others whether it succeeded: rank 0 rethrows its own
    // error, the others throw one saying rank 0 failed at `what` (instead of waiting for it in the
    // next collective). Without a group: just `work`.
    void onLeader(const char* what, const std::function<void()>& work);
    // Rank 0's epoch figures on every rank, so that early stopping and the learning-rate schedule
    // decide the same everywhere.
    EpochRecord agreeOnRecord(const EpochRecord& record);

    // The contiguous part of `size` items this rank validates.
    std::pair<std::size_t, std::size_t> evaluationRange(std::size_t size) const;

private:
    struct Bucket {
        std::vector<torch::Tensor> parameters;
        torch::Tensor flat;
    };
    DistributedGroup* m_group;
    bool m_oneSliceFails = false;
    // After the gradients, the last bucket holds the step's totals and, per trainable parameter,
    // how many ranks gave it a gradient (none: it keeps none, and Adam leaves it alone as in one process).
    std::int64_t m_tail = 0;
    std::vector<torch::Tensor> m_parameters;
    std::vector<torch::Tensor> m_buffers;
    std::vector<Bucket> m_buckets;
};

} // namespace neurodx
