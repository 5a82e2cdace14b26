#pragma once

#include "distributed/DataParallel.h"
#include "training/BatchLoader.h"
#include "training/SliceCache.h"
#include "training/TrainingConfig.h"

#include <torch/torch.h>

namespace neurodx {

class Classifier;

// The trainer's units of work: the forward pass in the configured precision, one optimizer step
// (alone or as a rank of a data-parallel job), and a validation pass.

// The forward pass in the precision the configuration asks for: float32, bfloat16 autocast, or
// bfloat16 for the convolutional features only with the head in float32.
torch::Tensor mixedForward(Classifier& model, const torch::Tensor& images, bool bf16, bool convolutionsOnly);

// One optimizer step on this process's batch: the gradient of the batch's mean loss (class-weighted
// as Keras weighs it), computed in float32 whatever the forward pass's precision.
StepTotals singleProcessStep(Classifier& model, torch::optim::Adam& optimizer, const Batch& batch, const torch::Tensor& classWeights,
                             const TrainingConfig& c, const torch::Device& device);

// The same step as one rank of a data-parallel job: this rank's summed loss is differentiated, the
// gradients are summed over ranks and divided by the global denominator, and every rank applies the
// same step. A rank that is stopping, or whose share of the batch is empty, still takes part.
StepTotals dataParallelStep(DataParallel& parallel, Classifier& model, torch::optim::Adam& optimizer, const Batch& batch, bool stopping,
                            const torch::Tensor& classWeights, const TrainingConfig& c, const torch::Device& device);

struct ValidationResult {
    double loss = std::nan("");
    double accuracy = std::nan("");
};

// Mean loss and accuracy over `cache` (NaN when empty). In a data-parallel job each rank evaluates
// its contiguous part and the sums are shared.
ValidationResult validate(Classifier& model, const SliceCache& cache, const TrainingConfig& c, const torch::Device& device, DataParallel& parallel);

} // namespace neurodx
