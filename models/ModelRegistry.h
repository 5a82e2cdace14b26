#pragma once

#include "Classifier.h"

#include <memory>
#include <string>
#include <vector>

namespace neurodx {

// What the caller chooses besides the architecture.
struct ModelSpec {
    std::string architecture = "vanilla"; // a name from modelArchitectures()
    int inputChannels = 1;
    int imageSize = 256;
    int classes = 3;
    // "cnn" only; "vanilla" and "tuned" fix these.
    int filters1 = 32;
    int filters2 = 64;
    int hiddenUnits = 64;
    // "resnet50v2" only: train the head alone, as the seed's transfer model did.
    bool freezeBackbone = false;
};

struct ModelArchitecture {
    std::string name;
    std::string description;
};

// The architectures this build knows, so the CLI and GUI list them without knowing their classes.
std::vector<ModelArchitecture> modelArchitectures();

// Builds an untrained model; throws std::invalid_argument for an unknown name or bad sizes.
std::shared_ptr<Classifier> createModel(const ModelSpec& spec);

// Parameters as Keras counts them: every weight and bias, trainable or not, and batch-norm moving
// means and variances (PyTorch's num_batches_tracked counters are not parameters in Keras).
std::int64_t parameterCount(const torch::nn::Module& model);
std::int64_t trainableParameterCount(const torch::nn::Module& model);

} // namespace neurodx
