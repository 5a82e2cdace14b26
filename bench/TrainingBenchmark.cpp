// Training and inference throughput of the real NeuroDx pipeline (slice cache -> loader thread with
// augmentation -> LibTorch step), against the same model stepping on one ready tensor batch.
#include "TrainingBenchmark.h"

#include "ModelRegistry.h"
#include "ReluMaxPool.h"
#include "common/ComputeSetup.h"
#include "imaging/DicomWriter.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "synthetic/PhantomGenerator.h"
#include "training/Bf16Autocast.h"
#include "training/ReleaseGradients.h"
#include "training/Trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <sys/resource.h>

namespace neurodx::bench {

namespace {

using Clock = std::chrono::steady_clock;

SliceCache phantomCache(int count, int size)
{
    SliceCache cache;
    for (int i = 0; i < count; ++i) {
        const int label = i % 3;
        const PhantomSubject subject = drawPhantomSubject(7, i / 8, label / 2.0, 0.5);
        cv::Mat bytes;
        renderPhantomSlice(subject, 0.4 + 0.02 * (i % 8), size, static_cast<std::uint64_t>(i)).convertTo(bytes, CV_8U, 255.0);
        cache.images.push_back(bytes);
        cache.labels.push_back(label);
        cache.entries.push_back(static_cast<std::size_t>(i));
    }
    return cache;
}

TrainingResult trainOnCache(const SliceCache& cache, const std::string& architecture, int channels, bool augment, int epochs, int threads, bool bf16 = false)
{
    TrainingConfig config;
    config.model.architecture = architectureFromName(architecture);
    config.input = {256, channels};
    config.epochs = epochs;
    config.threads = threads;
    config.augment = augment;
    config.bf16 = bf16;
    config.earlyStopping.enabled = false;
    TrainingData data;
    data.train = &cache;
    data.classNames = {"CN", "MCI", "AD"};
    TrainingControl control;
    return Trainer(config).run(data, control);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Median milliseconds of `runs` calls of `body` after `warmups` unmeasured ones.
template <typename Body>
double medianMilliseconds(int warmups, int runs, const Body& body)
{
    std::vector<double> ms;
    for (int r = 0; r < warmups + runs; ++r) {
        const auto start = Clock::now();
        body();
        if (r >= warmups)
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return median(ms);
}

} // namespace

double pipelineSlicesPerSecond(const std::string& architecture, int channels, bool augment, int slices, int threads, bool bf16)
{
    const TrainingResult result = trainOnCache(phantomCache(slices, 256), architecture, channels, augment, 3, threads, bf16);
    std::vector<double> rates;
    for (std::size_t e = 1; e < result.history.size(); ++e) // epoch 1 warms up allocator and kernels
        rates.push_back(slices / result.history[e].seconds);
    return median(rates);
}

double readyTensorSlicesPerSecond(const std::string& architecture, int channels, int steps, int threads)
{
    setComputeThreads(threads);
    torch::manual_seed(1);
    ModelSpec spec;
    spec.architecture = architectureFromName(architecture);
    spec.inputChannels = channels;
    auto model = createModel(spec);
    toChannelsLast(*model, channels); // as the Trainer does
    model->train();
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3).eps(1e-7));
    const torch::Tensor images = channelsLast(torch::rand({32, channels, 256, 256}));
    const torch::Tensor labels = torch::randint(0, 3, {32}, torch::kInt64);
    std::vector<double> rates;
    for (int s = 0; s < steps + 2; ++s) {
        const auto start = Clock::now();
        releaseGradients(optimizer);
        torch::nn::functional::cross_entropy(model->forward(images), labels).backward();
        optimizer.step();
        if (s >= 2)
            rates.push_back(32.0 / std::chrono::duration<double>(Clock::now() - start).count());
    }
    return median(rates);
}

InferenceTiming inferenceTiming(const std::string& architecture, int channels, int threads, bool bf16)
{
    setComputeThreads(threads);
    ModelSpec spec;
    spec.architecture = architectureFromName(architecture);
    spec.inputChannels = channels;
    auto model = createModel(spec);
    toChannelsLast(*model, channels); // as the Predictor does
    model->eval();
    torch::InferenceMode inference;
    const auto milliseconds = [&](int batch, int runs) {
        const torch::Tensor x = channelsLast(torch::rand({batch, channels, 256, 256}));
        return medianMilliseconds(2, runs, [&] {
            const Bf16Autocast autocast(bf16);
            model->forward(x);
        });
    };
    InferenceTiming t;
    t.batch32SlicesPerSecond = 32.0 / (milliseconds(32, 5) / 1000.0);
    t.batch1Milliseconds = milliseconds(1, 21);
    return t;
}

double endToEndDicomMilliseconds(int threads, bool float32)
{
    setComputeThreads(threads);
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "neurodx-bench-e2e";
    std::filesystem::create_directories(folder);
    ModelSpec spec;
    spec.architecture = neurodx::Architecture::Tuned;
    auto model = createModel(spec);
    saveModelFile(folder / "tuned.pt", *model, modelMetadata(spec, {"CN", "MCI", "AD"}, {256, 1}, nlohmann::json::object()));
    cv::Mat stored;
    renderPhantomSlice(drawPhantomSubject(1, 0, 0.5, 0.5), 0.5, 256, 1).convertTo(stored, CV_16U, 4000.0);
    DicomWriteOptions options;
    options.bitsStored = 12;
    options.windowCenter = 2000;
    options.windowWidth = 4000;
    writeDicom(folder / "slice.dcm", {stored}, options);
    Predictor predictor = Predictor::fromFile(folder / "tuned.pt", float32 ? InferencePrecision::Float32 : InferencePrecision::Auto);
    const double ms = medianMilliseconds(3, 20, [&] { predictor.predictFiles({folder / "slice.dcm"}); });
    std::filesystem::remove_all(folder);
    return ms;
}

PoolTiming reluMaxPoolTiming(int channels, bool channelsLast, int threads)
{
    setComputeThreads(threads);
    const auto layout = channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
    const torch::Tensor x = torch::randn({32, channels, 256, 256}).contiguous(layout);
    const torch::Tensor upstream = torch::randn({32, channels, 128, 128}).contiguous(layout);
    const auto ms = [](const auto& body) { return medianMilliseconds(2, 7, body); };
    const auto unfused = [](const torch::Tensor& t) { return torch::max_pool2d(torch::relu(t), 2); };
    PoolTiming t;
    {
        torch::NoGradGuard noGrad;
        t.unfusedForward = ms([&] { unfused(x); });
        t.fusedForward = ms([&] { reluMaxPool2x2(x); });
    }
    t.unfusedTraining = ms([&] { unfused(x.detach().requires_grad_(true)).backward(upstream); });
    t.fusedTraining = ms([&] { reluMaxPool2x2(x.detach().requires_grad_(true)).backward(upstream); });
    return t;
}

double peakRssAfterTrainingMiB(int slices, int threads)
{
    const SliceCache cache = phantomCache(slices, 256);
    trainOnCache(cache, "tuned", 1, true, 1, threads);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux reports KiB
}

} // namespace neurodx::bench
