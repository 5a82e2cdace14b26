#include "DistributedBenchmark.h"

#include "Classifier.h"
#include "ModelRegistry.h"
#include "common/ComputeSetup.h"
#include "distributed/DataParallel.h"
#include "distributed/DistributedGroup.h"
#include "training/TrainingStep.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <vector>

namespace neurodx::bench {

namespace {

using Clock = std::chrono::steady_clock;

double medianOf(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

} // namespace

AllreduceTiming allreduceTiming(DistributedGroup& group, const std::string& architecture, int batchPerRank, int steps, int threads)
{
    setComputeThreads(threads);
    torch::manual_seed(1);
    ModelSpec spec;
    spec.architecture = architectureFromName(architecture);
    spec.inputChannels = 3;
    auto model = createModel(spec);
    toChannelsLast(*model, 3);
    model->train();
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3).eps(1e-7));
    DataParallel parallel(&group, *model);
    parallel.broadcastModel("benchmark");
    TrainingConfig config;
    config.bf16 = false;
    config.bf16ConvolutionsOnly = false;
    const Batch batch{channelsLast(torch::rand({batchPerRank, 3, 256, 256})), torch::randint(0, 3, {batchPerRank}, torch::kInt64)};
    const torch::Device cpu(torch::kCPU);

    AllreduceTiming timing;
    timing.buckets = static_cast<int>(parallel.bucketCount());
    for (const auto& p : model->parameters())
        timing.gradientMegabytes += static_cast<double>(p.numel()) * 4.0 / 1e6;
    std::vector<double> stepSeconds, reduceSeconds;
    for (int s = 0; s < steps + 1; ++s) { // the first step warms up
        group.barrier("benchmark");
        const auto start = Clock::now();
        dataParallelStep(parallel, *model, optimizer, batch, false, torch::Tensor(), config, cpu);
        const double step = std::chrono::duration<double>(Clock::now() - start).count();
        // The exchange alone, on the gradients the step left: every rank enters it at once.
        group.barrier("benchmark");
        const auto reduceStart = Clock::now();
        StepTotals local;
        local.weightSum = batchPerRank;
        parallel.reduceStep(local);
        const double reduce = std::chrono::duration<double>(Clock::now() - reduceStart).count();
        if (s > 0) {
            stepSeconds.push_back(step);
            reduceSeconds.push_back(reduce);
        }
    }
    timing.stepMilliseconds = 1000.0 * medianOf(stepSeconds);
    timing.allreduceMilliseconds = 1000.0 * medianOf(reduceSeconds);
    return timing;
}

} // namespace neurodx::bench
