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
};

struct ModelArchitecture {
    std::string name;
    std::string description;
};

// The architectures this build knows, so the CLI and GUI list them without knowing their classes.
std::vector<ModelArchitecture> modelArchitectures();

// Builds an untrained model; throws std::invalid_argument for an unknown name or bad sizes.
std::shared_ptr<Classifier> createModel(const ModelSpec& spec);

// Parameters as Keras counts them (every weight and bias, trainable or not).
std::int64_t parameterCount(const torch::nn::Module& model);

} // namespace neurodx
