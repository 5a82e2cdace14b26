#include "TrainingStep.h"

#include "ModelRegistry.h"

#include "training/Bf16Autocast.h"
#include "training/ReleaseGradients.h"

#include <cmath>

namespace neurodx {

namespace {

torch::nn::functional::CrossEntropyFuncOptions lossOptions(const torch::Tensor& classWeights)
{
    auto options = torch::nn::functional::CrossEntropyFuncOptions();
    if (classWeights.defined())
        options.weight(classWeights);
    return options;
}

} // namespace

torch::Tensor mixedForward(Classifier& model, const torch::Tensor& images, bool bf16, bool convolutionsOnly)
{
    if (bf16 && convolutionsOnly) {
        torch::Tensor features;
        {
            const Bf16Autocast autocast(true);
            features = model.features(images);
        }
        return model.head(features.to(torch::kFloat32));
    }
    const Bf16Autocast autocast(bf16);
    return model.forward(images);
}

StepTotals singleProcessStep(Classifier& model, torch::optim::Adam& optimizer, const Batch& batch, const torch::Tensor& classWeights,
                             const TrainingConfig& c, const torch::Device& device)
{
    const torch::Tensor images = channelsLast(batch.images.to(device));
    const torch::Tensor labels = batch.labels.to(device);
    releaseGradients(optimizer);
    const torch::Tensor logits = mixedForward(model, images, c.bf16, c.bf16ConvolutionsOnly).to(torch::kFloat32);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, labels, lossOptions(classWeights));
    StepTotals step;
    step.meanLoss = loss.item<double>();
    step.slices = static_cast<double>(labels.size(0));
    if (c.stopOnNaN && !std::isfinite(step.meanLoss)) {
        step.nonFinite = true;
        return step;
    }
    loss.backward();
    optimizer.step();
    step.correct = logits.argmax(1).eq(labels).sum().item<double>();
    return step;
}

StepTotals dataParallelStep(DataParallel& parallel, Classifier& model, torch::optim::Adam& optimizer, const Batch& batch, bool stopping,
                            const torch::Tensor& classWeights, const TrainingConfig& c, const torch::Device& device)
{
    StepTotals local;
    local.stop = stopping;
    releaseGradients(optimizer);
    const std::int64_t n = batch.labels.size(0);
    if (!stopping && parallel.canTrainOn(n)) {
        const torch::Tensor images = channelsLast(batch.images.to(device));
        const torch::Tensor labels = batch.labels.to(device);
        const torch::Tensor logits = mixedForward(model, images, c.bf16, c.bf16ConvolutionsOnly).to(torch::kFloat32);
        // Summed, not averaged: the denominator is the global batch's, known after the reduction.
        const torch::Tensor loss = torch::nn::functional::cross_entropy(logits, labels, lossOptions(classWeights).reduction(torch::kSum));
        local.lossSum = loss.item<double>();
        local.weightSum = classWeights.defined() ? classWeights.index_select(0, labels).sum().item<double>() : static_cast<double>(n);
        local.slices = static_cast<double>(n);
        local.correct = logits.argmax(1).eq(labels).sum().item<double>();
        local.nonFinite = !std::isfinite(local.lossSum);
        loss.backward();
    }
    const StepTotals global = parallel.reduceStep(local);
    if (!global.stop && !(global.nonFinite && c.stopOnNaN) && global.weightSum > 0)
        optimizer.step();
    return global;
}

ValidationResult validate(Classifier& model, const SliceCache& cache, const TrainingConfig& c, const torch::Device& device, DataParallel& parallel)
{
    if (cache.size() == 0)
        return {};
    torch::NoGradGuard noGrad;
    model.eval();
    SliceCache part;
    if (parallel.isActive()) {
        const auto [begin, end] = parallel.evaluationRange(cache.size());
        part.images.assign(cache.images.begin() + static_cast<std::ptrdiff_t>(begin), cache.images.begin() + static_cast<std::ptrdiff_t>(end));
        part.labels.assign(cache.labels.begin() + static_cast<std::ptrdiff_t>(begin), cache.labels.begin() + static_cast<std::ptrdiff_t>(end));
    }
    double lossSum = 0, correct = 0;
    forEachOrderedBatch(parallel.isActive() ? part : cache, c.batchSize, c.input.channels, [&](const Batch& batch) {
        const torch::Tensor logits =
            mixedForward(model, channelsLast(batch.images.to(device)), c.bf16, c.bf16ConvolutionsOnly).to(torch::kFloat32);
        const torch::Tensor labels = batch.labels.to(device);
        lossSum += torch::nn::functional::cross_entropy(logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        correct += logits.argmax(1).eq(labels).sum().item<double>();
    });
    const std::vector<double> sums = parallel.sum({lossSum, correct}, "validating");
    return {sums[0] / static_cast<double>(cache.size()), sums[1] / static_cast<double>(cache.size())};
}

} // namespace neurodx
