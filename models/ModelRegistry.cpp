#include "ModelRegistry.h"

#include "CnnClassifier.h"
#include "ResNet50V2.h"

#include <stdexcept>

namespace neurodx {

const char* architectureName(Architecture architecture)
{
    switch (architecture) {
    case Architecture::Vanilla:
        return "vanilla";
    case Architecture::Tuned:
        return "tuned";
    case Architecture::Cnn:
        return "cnn";
    case Architecture::ResNet50V2:
        return "resnet50v2";
    }
    return "vanilla";
}

Architecture architectureFromName(const std::string& name)
{
    for (const ModelArchitecture& known : modelArchitectures())
        if (known.name == name)
            return known.architecture;
    throw std::invalid_argument("unknown model architecture '" + name + "' (known: vanilla, tuned, cnn, resnet50v2)");
}

std::vector<ModelArchitecture> modelArchitectures()
{
    return {
        {Architecture::Vanilla, "vanilla", "the seed's CNN: Conv 32 - Pool - Conv 64 - Pool - Dense 64 - Dense classes"},
        {Architecture::Tuned, "tuned", "the seed's Hyperband winner: Conv 16 - Pool - Conv 16 - Pool - Dense 320 - Dense classes"},
        {Architecture::Cnn, "cnn", "the same CNN with chosen filters and hidden units"},
        {Architecture::ResNet50V2, "resnet50v2", "pre-activation ResNet-50 v2 as in Keras, global average pooling, Dense 1024, Dense classes"},
    };
}

bool cnnPresetSizes(Architecture architecture, CnnSizes& sizes)
{
    if (architecture == Architecture::Vanilla)
        sizes = {32, 64, 64};
    else if (architecture == Architecture::Tuned)
        sizes = {16, 16, 320};
    else
        return false;
    return true;
}

std::shared_ptr<Classifier> createModel(const ModelSpec& spec)
{
    if (spec.architecture == Architecture::ResNet50V2) {
        ResNet50V2Options options;
        options.inputChannels = spec.inputChannels;
        options.classes = spec.classes;
        options.freezeBackbone = spec.freezeBackbone;
        return std::make_shared<ResNet50V2>(options);
    }
    CnnOptions cnn;
    cnn.inputChannels = spec.inputChannels;
    cnn.imageSize = spec.imageSize;
    cnn.classes = spec.classes;
    cnn.dropout = spec.dropout;
    CnnSizes preset;
    if (cnnPresetSizes(spec.architecture, preset)) {
        cnn.filters1 = preset.filters1, cnn.filters2 = preset.filters2, cnn.hiddenUnits = preset.hiddenUnits;
    } else {
        cnn.filters1 = spec.filters1, cnn.filters2 = spec.filters2, cnn.hiddenUnits = spec.hiddenUnits;
    }
    return std::make_shared<CnnClassifier>(cnn);
}

std::int64_t parameterCount(const torch::nn::Module& model)
{
    std::int64_t count = 0;
    for (const auto& p : model.parameters())
        count += p.numel();
    for (const auto& b : model.named_buffers()) {
        if (b.key().find("num_batches_tracked") == std::string::npos)
            count += b.value().numel();
    }
    return count;
}

std::int64_t trainableParameterCount(const torch::nn::Module& model)
{
    std::int64_t count = 0;
    for (const auto& p : model.parameters()) {
        if (p.requires_grad())
            count += p.numel();
    }
    return count;
}

ModelSummary summarizeModel(Classifier& model, const std::string& architecture, int inputChannels, int imageSize)
{
    const bool wasTraining = model.is_training();
    model.eval();
    const torch::NoGradGuard noGradients;
    const torch::Device device = model.parameters().empty() ? torch::Device(torch::kCPU) : model.parameters().front().device();
    ModelSummary summary;
    summary.architecture = architecture;
    summary.inputShape = {inputChannels, imageSize, imageSize};
    summary.layers = model.describeLayers(torch::zeros({1, inputChannels, imageSize, imageSize}, torch::TensorOptions().device(device)));
    summary.parameters = parameterCount(model);
    summary.trainableParameters = trainableParameterCount(model);
    model.train(wasTraining);
    return summary;
}

bool usesChannelsLast(int inputChannels)
{
    return inputChannels >= 3;
}

void toChannelsLast(torch::nn::Module& model, int inputChannels)
{
    if (!usesChannelsLast(inputChannels))
        return;
    for (auto& p : model.parameters())
        if (p.dim() == 4)
            p.set_data(p.data().contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor channelsLast(const torch::Tensor& images)
{
    return images.dim() == 4 && usesChannelsLast(static_cast<int>(images.size(1))) ? images.contiguous(torch::MemoryFormat::ChannelsLast) : images;
}

} // namespace neurodx
