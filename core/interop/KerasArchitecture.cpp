#include "KerasArchitecture.h"

#include "KerasMatching.h"

#include "common/NeuroDxError.h"

#include <cmath>

namespace neurodx {

namespace keras {

InputFront inputFront(const std::filesystem::path& file, const std::vector<KerasLayer>& layers)
{
    InputFront front;
    for (; front.next < layers.size(); ++front.next) {
        const KerasLayer& layer = layers[front.next];
        if (layer.className == "InputLayer")
            continue;
        if (layer.className == "Rescaling") {
            const double scale = kerasNumber(layer.config, "scale", 1.0);
            const double offset = kerasNumber(layer.config, "offset", 0.0);
            if (offset != 0.0 || !(scale > 0.0))
                throwNoCounterpart(file, layers, front.next,
                                   "it maps pixels p to p * " + scaleText(scale) + (offset < 0 ? " - " + scaleText(-offset) : " + " + scaleText(offset)) +
                                       "; NeuroDx feeds the network p / 255 in [0, 1] and can only fold a positive scale without offset "
                                       "into the first convolution (exactly, since 'same' padding pads with zeros either way)");
            front.rescale *= scale;
            front.hasRescaling = true;
        } else if (layer.className == "Resizing") {
            const int height = layer.config.value("height", 0), width = layer.config.value("width", 0);
            if (height != width || height <= 0)
                throwNoCounterpart(file, layers, front.next, "NeuroDx resizes every slice to a square");
            front.resize = height;
        } else if (isTrainingOnlyLayer(layer.className)) {
            front.notices.push_back(layer.className + " '" + layer.name +
                                    "' acts only while training; NeuroDx trains with its own augmentation (random flips, rotation up to +-36 degrees)");
        } else {
            break;
        }
    }
    return front;
}

void applyInputScale(const InputFront& front, KerasModelPlan& plan)
{
    plan.inputScale = front.hasRescaling ? 255.0 * front.rescale : 1.0;
    if (!front.hasRescaling)
        plan.notices.push_back("the model has no Rescaling layer: NeuroDx assumes its inputs were scaled to [0, 1] before it "
                               "(pixel / 255, as ImageDataGenerator(rescale=1/255) does)");
    else if (std::abs(plan.inputScale - 1.0) > 1e-6)
        plan.notices.push_back("Rescaling by " + scaleText(front.rescale) + " is folded into the first convolution (its kernel times " +
                               scaleText(plan.inputScale) + "), since NeuroDx feeds pixel / 255");
}

DeclaredInput declaredInput(const std::filesystem::path& file, const KerasModelLayers& model, const InputFront& front)
{
    DeclaredInput input;
    if (model.inputShape && model.inputShape->size() == 3) {
        const auto& s = *model.inputShape;
        if (s[0] > 0 && s[1] > 0 && s[0] != s[1])
            throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the Keras model takes " + std::to_string(s[0]) + "x" + std::to_string(s[1]) +
                                                                       " images; NeuroDx's networks take square ones");
        input.size = s[0] > 0 ? static_cast<int>(s[0]) : 0;
        input.channels = s[2] > 0 ? static_cast<int>(s[2]) : 0;
    }
    if (front.resize > 0)
        input.size = front.resize; // NeuroDx resizes every slice itself, as the Resizing layer did
    return input;
}

void throwNoCounterpart(const std::filesystem::path& file, const std::vector<KerasLayer>& layers, std::size_t offending, const std::string& why)
{
    constexpr std::size_t kListed = 40;
    std::string found;
    for (std::size_t i = 0; i < layers.size() && i < kListed; ++i)
        found += (i ? ", " : "") + describeKerasLayer(layers[i]) + (i == offending ? " <- no counterpart" : "");
    if (layers.size() > kListed)
        found += ", ... (" + std::to_string(layers.size() - kListed) + " more)";
    const std::string where = offending < layers.size() ? describeKerasLayer(layers[offending]) + " has no counterpart in NeuroDx: " + why
                                                         : "the model ends early: " + why;
    throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                       where + ". Layers found: " + found +
                           ". NeuroDx reads the seed's CNN (Rescaling, RandomFlip, RandomRotation, Conv2D + MaxPooling2D twice, Flatten, "
                           "Dense, Dropout, Dense) and keras.applications' ResNet50V2 with a GlobalAveragePooling2D - Dense - Dense head");
}

const KerasWeight& kernelOf(const std::filesystem::path& file, const KerasLayerWeights& weights, const std::string& layer, std::size_t rank)
{
    const KerasWeight* kernel = weights.find(layer, "kernel");
    if (!kernel)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "layer '" + layer + "' has no kernel in the file's weights");
    if (kernel->shape.size() != rank)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "layer '" + layer + "' has a kernel of " + std::to_string(kernel->shape.size()) +
                                                             " dimensions, not " + std::to_string(rank));
    return *kernel;
}

bool isResNetV2(const KerasLayerWeights& weights, const std::vector<KerasLayer>& layers)
{
    if (weights.has("conv2_block1_preact_bn"))
        return true;
    for (const KerasLayer& layer : layers)
        if (layer.name == "conv2_block1_preact_bn")
            return true;
    return false;
}

} // namespace keras

const KerasWeight* KerasLayerWeights::find(const std::string& layer, const std::string& kind) const
{
    const auto it = byLayer.find(layer);
    if (it == byLayer.end())
        return nullptr;
    const auto weight = it->second.find(kind);
    return weight == it->second.end() ? nullptr : weight->second;
}

KerasLayerWeights kerasLayerWeights(const KerasHdf5Content& content)
{
    KerasLayerWeights result;
    for (const KerasWeightGroup& group : content.groups) {
        // "conv1_conv/kernel:0" -> ("conv1_conv", "kernel"); "kernel" alone -> (group, "kernel").
        std::vector<std::pair<std::string, std::string>> parts;
        bool oneLayer = true;
        for (const KerasWeight& weight : group.weights) {
            std::string name = weight.name;
            if (const auto colon = name.rfind(':'); colon != std::string::npos && name.find('/', colon) == std::string::npos)
                name.erase(colon);
            const auto slash = name.rfind('/');
            const std::string kind = slash == std::string::npos ? name : name.substr(slash + 1);
            std::string parent = group.name;
            if (slash != std::string::npos) {
                const auto before = name.rfind('/', slash - 1);
                parent = name.substr(before == std::string::npos ? 0 : before + 1, slash - (before == std::string::npos ? 0 : before + 1));
            }
            oneLayer = oneLayer && (parts.empty() || parts.front().first == parent);
            parts.emplace_back(parent, kind);
        }
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const std::string layer = oneLayer ? group.name : parts[i].first;
            if (!result.byLayer.count(layer))
                result.order.push_back(layer);
            result.byLayer[layer][parts[i].second] = &group.weights[i];
        }
    }
    return result;
}

KerasModelPlan kerasModelPlan(const KerasHdf5Content& content)
{
    const std::filesystem::path& file = content.file;
    if (content.kerasVersion.empty() || content.kerasVersion.rfind("1.", 0) == 0)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "written by Keras 1 (no Keras 2 'keras_version' attribute), whose weight layout NeuroDx does not read; "
                           "load it in Keras 2 or later and save it again");
    if (content.backend == "theano" || content.backend == "cntk")
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "trained with Keras' " + content.backend + " backend, which stores convolution kernels flipped; "
                           "load it in Keras with TensorFlow and save it again");
    const KerasLayerWeights weights = kerasLayerWeights(content);
    if (!content.wholeModel)
        return keras::isResNetV2(weights, {}) ? keras::resNetPlanFromWeights(content, weights) : keras::cnnPlanFromWeights(content, weights);
    const KerasModelLayers model = kerasModelLayers(file, content.modelConfig);
    return keras::isResNetV2(weights, model.layers) ? keras::resNetPlanFromConfig(content, model, weights)
                                                    : keras::cnnPlanFromConfig(content, model, weights);
}

} // namespace neurodx
