#pragma once

#include <string>

namespace neurodx::bench {

// Median slices/s of training epochs 2-3 through the whole pipeline (uint8 cache, loader thread,
// augmentation, LibTorch step, progress events), batch 32, 256x256.
// `bf16`: with bfloat16 autocast (--bf16), on CPUs with AVX512-BF16.
double pipelineSlicesPerSecond(const std::string& architecture, int channels, bool augment, int slices, int threads, bool bf16 = false);
// Median slices/s of optimizer steps on one ready batch tensor: what the model alone can do.
double readyTensorSlicesPerSecond(const std::string& architecture, int channels, int steps, int threads);

struct InferenceTiming {
    double batch32SlicesPerSecond = 0;
    double batch1Milliseconds = 0;
};
// `bf16`: under bfloat16 autocast, as NeuroDx's default ("auto") inference runs where the CPU has it.
InferenceTiming inferenceTiming(const std::string& architecture, int channels, int threads, bool bf16);

// Median milliseconds to predict one 256x256 DICOM slice from its file with a saved tuned model:
// read, decode, window, resize, forward, softmax, at NeuroDx's default precision (or float32).
double endToEndDicomMilliseconds(int threads, bool float32 = false);

// Milliseconds (median) of ReLU + 2x2 max-pool, forward and backward, on a batch-32 activation of
// `channels` x 256 x 256: LibTorch's two operators against NeuroDx's fused one.
struct PoolTiming {
    double unfusedForward = 0, fusedForward = 0, unfusedTraining = 0, fusedTraining = 0;
};
PoolTiming reluMaxPoolTiming(int channels, bool channelsLast, int threads);

// Peak resident memory (MiB) of this process after caching `slices` 256x256 slices and training the
// tuned CNN on them for one epoch.
double peakRssAfterTrainingMiB(int slices, int threads);

} // namespace neurodx::bench
