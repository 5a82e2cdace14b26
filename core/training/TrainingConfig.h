#pragma once

#include "ModelSpec.h"
#include "dataset/Split.h"
#include "imaging/ModelInput.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include "training/MonitoredMetric.h"

#include <string>

namespace neurodx {

// Keras' EarlyStopping: stop when `monitor` has not improved by `minDelta` for `patience` epochs.
struct EarlyStoppingConfig {
    bool enabled = true;
    MonitoredMetric monitor = MonitoredMetric::ValLoss;
    int patience = 5;
    double minDelta = 0.0;
    bool restoreBestWeights = true;
};

// Keras' ReduceLROnPlateau; off by default as in the seed.
struct ReduceLrConfig {
    bool enabled = false;
    MonitoredMetric monitor = MonitoredMetric::ValLoss;
    double factor = 0.1;
    int patience = 3;
    double minLr = 1e-6;
};

struct AugmentationConfig {
    bool horizontalFlip = true;
    bool verticalFlip = true;
    double maxRotationDegrees = 36.0; // Keras RandomRotation(0.1): 0.1 of a full turn
};

// Everything that decides a training run. Time and randomness come in through here (the seed),
// so the same config on the same data and thread count gives the same history.
struct TrainingConfig {
    ModelSpec model;
    PreprocessConfig input;           // size and channels; model.imageSize/inputChannels follow it
    SplitConfig split;
    int epochs = 10;
    int batchSize = 32;
    double learningRate = 1e-3;       // Adam with Keras' defaults: betas 0.9/0.999, epsilon 1e-7
    std::uint64_t seed = 42;
    int threads = 0;                  // intra-op threads; 0 = all cores
    bool augment = true;
    AugmentationConfig augmentation;
    bool balancedClassWeights = false;
    EarlyStoppingConfig earlyStopping;
    ReduceLrConfig reduceLr;
    bool stopOnNaN = true;
    // Mixed precision: forward and backward in bfloat16 where the CPU has AVX512-BF16, weights and
    // optimizer in float32. Off by default until its accuracy is shown equal on a dataset.
    bool bf16 = false;
    // With bf16: only the convolutional part (Classifier::features) in bfloat16, the classifier head
    // (dense layers, logits) in float32: the usual remedy when bf16 costs accuracy.
    bool bf16ConvolutionsOnly = false;
};

nlohmann::json toJson(const TrainingConfig& config);
// Throws NeuroDxError(InvalidArgument) naming the field when a value is missing or out of range.
TrainingConfig trainingConfigFromJson(const nlohmann::json& json);
// Throws NeuroDxError(InvalidArgument) for values no run can use.
void validate(const TrainingConfig& config);

// The effective settings in a few lines, printed before training (model, input, optimiser, epochs,
// augmentation, callbacks, precision), so a log says what the run was.
std::string trainingSettingsText(const TrainingConfig& config);

// Freezing a backbone that no weights initialised trains the head alone on random features: legal,
// rarely meant. What the CLI, the GUI and the run summary say when it happens.
std::string frozenRandomBackboneWarning();

} // namespace neurodx
