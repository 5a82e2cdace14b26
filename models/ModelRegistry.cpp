#include "ModelRegistry.h"

#include "CnnClassifier.h"

#include <stdexcept>

namespace neurodx {

std::vector<ModelArchitecture> modelArchitectures()
{
    return {
        {"vanilla", "the seed's CNN: Conv 32 - Pool - Conv 64 - Pool - Dense 64 - Dense classes"},
        {"tuned", "the seed's Hyperband winner: Conv 16 - Pool - Conv 16 - Pool - Dense 320 - Dense classes"},
        {"cnn", "the same CNN with chosen filters and hidden units"},
    };
}

std::shared_ptr<Classifier> createModel(const ModelSpec& spec)
{
    CnnOptions cnn;
    cnn.inputChannels = spec.inputChannels;
    cnn.imageSize = spec.imageSize;
    cnn.classes = spec.classes;
    if (spec.architecture == "vanilla") {
        cnn.filters1 = 32, cnn.filters2 = 64, cnn.hiddenUnits = 64;
    } else if (spec.architecture == "tuned") {
        cnn.filters1 = 16, cnn.filters2 = 16, cnn.hiddenUnits = 320;
    } else if (spec.architecture == "cnn") {
        cnn.filters1 = spec.filters1, cnn.filters2 = spec.filters2, cnn.hiddenUnits = spec.hiddenUnits;
    } else {
        throw std::invalid_argument("unknown model architecture '" + spec.architecture + "' (known: vanilla, tuned, cnn)");
    }
    return std::make_shared<CnnClassifier>(cnn);
}

std::int64_t parameterCount(const torch::nn::Module& model)
{
    std::int64_t count = 0;
    for (const auto& p : model.parameters())
        count += p.numel();
    for (const auto& b : model.buffers())
        count += b.numel();
    return count;
}

} // namespace neurodx
