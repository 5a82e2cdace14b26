// keras.applications.ResNet50V2 in a Keras file: the ImageNet weight files (notop or with the
// 1000-class top), and models built on it such as the seed's transfer model (ResNet50V2 frozen -
// GlobalAveragePooling2D - Dense(1024, relu) - Dense(3, softmax)), nested or flattened.
#include "KerasMatching.h"

#include "common/NeuroDxError.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace neurodx {

const std::vector<ResNetLayer>& resNet50V2Layers()
{
    static const std::vector<ResNetLayer> layers = [] {
        std::vector<ResNetLayer> list{{"conv1_conv", false, true}};
        const int blocks[] = {3, 4, 6, 3}; // resnet.py ResNet50V2: stack2 with 3, 4, 6, 3 blocks
        for (int s = 0; s < 4; ++s) {
            for (int b = 1; b <= blocks[s]; ++b) {
                const std::string name = "conv" + std::to_string(s + 2) + "_block" + std::to_string(b);
                list.push_back({name + "_preact_bn", true, false});
                if (b == 1)
                    list.push_back({name + "_0_conv", false, true});
                list.push_back({name + "_1_conv", false, false});
                list.push_back({name + "_1_bn", true, false});
                list.push_back({name + "_2_conv", false, false});
                list.push_back({name + "_2_bn", true, false});
                list.push_back({name + "_3_conv", false, true});
            }
        }
        list.push_back({"post_bn", true, false});
        return list;
    }();
    return layers;
}

namespace keras {

namespace {

const char* kHeadShape = "NeuroDx's ResNet50V2 head is GlobalAveragePooling2D - Dense(1024, relu) - Dense(classes, softmax)";

bool isBackboneName(const std::string& name)
{
    static const std::set<std::string> names = [] {
        std::set<std::string> set;
        for (const ResNetLayer& layer : resNet50V2Layers())
            set.insert(layer.name);
        return set;
    }();
    return names.count(name) > 0;
}

// Throws for ResNet101V2 / ResNet152V2, whose stacks have more blocks.
void requireFiftyLayers(const std::filesystem::path& file, const std::set<std::string>& names)
{
    const int expected[] = {3, 4, 6, 3};
    std::string found;
    bool same = true;
    for (int s = 0; s < 4; ++s) {
        int blocks = 0;
        while (names.count("conv" + std::to_string(s + 2) + "_block" + std::to_string(blocks + 1) + "_1_conv"))
            ++blocks;
        found += (s ? ", " : "") + std::to_string(blocks);
        same = same && blocks == expected[s];
    }
    if (!same)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "a ResNet V2 with (" + found + ") blocks per stack; NeuroDx has ResNet50V2 (3, 4, 6, 3) "
                                                               "only, not ResNet101V2 or ResNet152V2");
}

// The head from its two Dense kernels: sets spec.classes and layerFor, or explains the mismatch.
void headFromDense(const KerasLayerWeights& weights, const std::vector<std::string>& denses, KerasModelPlan& plan)
{
    const auto shapeOf = [&](const std::string& layer) {
        const KerasWeight* k = weights.find(layer, "kernel");
        return k && k->shape.size() == 2 ? k->shape : std::vector<std::int64_t>{};
    };
    if (denses.empty()) {
        plan.hasHead = false;
        plan.headProblem = "keras.applications' ResNet50V2 without its top (include_top=False): a feature extractor with no classifier";
        return;
    }
    if (denses.size() == 1 && shapeOf(denses[0]) == std::vector<std::int64_t>{2048, 1000}) {
        plan.hasHead = false;
        plan.headProblem = "ImageNet's 1000-class top (Dense '" + denses[0] + "') has no counterpart: " + kHeadShape;
        return;
    }
    const std::vector<std::int64_t> hidden = denses.size() == 2 ? shapeOf(denses[0]) : std::vector<std::int64_t>{};
    const std::vector<std::int64_t> output = denses.size() == 2 ? shapeOf(denses[1]) : std::vector<std::int64_t>{};
    if (hidden.size() != 2 || output.size() != 2 || hidden[0] != 2048 || hidden[1] != 1024 || output[0] != 1024 || output[1] < 2) {
        plan.hasHead = false;
        plan.headProblem = "its head has " + std::to_string(denses.size()) + " Dense layer(s)" +
                           (hidden.size() == 2 ? " (the first with " + std::to_string(hidden[1]) + " units)" : std::string()) + "; " + kHeadShape;
        return;
    }
    plan.spec.classes = static_cast<int>(output[1]);
    plan.layerFor["dense1"] = denses[0];
    plan.layerFor["dense2"] = denses[1];
}

void fillInput(const KerasHdf5Content& content, const KerasLayerWeights& weights, int declaredSize, KerasModelPlan& plan)
{
    const KerasWeight& stem = kernelOf(content.file, weights, "conv1_conv", 4);
    const std::int64_t channels = stem.shape[2];
    if (channels != 1 && channels != 3)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, content.file, "the stem takes " + std::to_string(channels) + " channels; NeuroDx feeds 1 (grey) or 3 (grey replicated)");
    plan.spec.architecture = Architecture::ResNet50V2;
    plan.spec.inputChannels = static_cast<int>(channels);
    plan.spec.imageSize = declaredSize > 0 ? declaredSize : 256;
    if (declaredSize <= 0)
        plan.notices.push_back("the file does not fix the input size; NeuroDx uses the seed's 256x256");
}

} // namespace

KerasModelPlan resNetPlanFromConfig(const KerasHdf5Content& content, const KerasModelLayers& model, const KerasLayerWeights& weights)
{
    const std::filesystem::path& file = content.file;
    const std::vector<KerasLayer>& layers = model.layers;
    std::set<std::string> names;
    for (const KerasLayer& layer : layers)
        names.insert(layer.name);
    requireFiftyLayers(file, names);

    KerasModelPlan plan;
    const InputFront front = inputFront(file, layers);
    plan.notices = front.notices;
    applyInputScale(front, plan);
    if (front.next >= layers.size() || (layers[front.next].name != "conv1_pad" && layers[front.next].name != "conv1_conv"))
        throwNoCounterpart(file, layers, front.next, "NeuroDx's ResNet50V2 starts with keras.applications' stem (conv1_pad, conv1_conv)");
    std::size_t end = front.next;
    while (end < layers.size() && layers[end].name != "post_relu")
        ++end;
    if (end == layers.size())
        throwNoCounterpart(file, layers, layers.size(), "keras.applications' ResNet50V2 ends with post_bn and post_relu");

    static const std::set<std::string> backboneClasses{"Conv2D", "BatchNormalization", "ZeroPadding2D", "MaxPooling2D", "Activation", "Add", "InputLayer"};
    std::set<std::string> seen;
    for (std::size_t i = front.next; i <= end; ++i) {
        const KerasLayer& layer = layers[i];
        if (!backboneClasses.count(layer.className))
            throwNoCounterpart(file, layers, i, "keras.applications' ResNet50V2 has no such layer");
        if (layer.className == "Conv2D" || layer.className == "BatchNormalization") {
            if (!isBackboneName(layer.name))
                throwNoCounterpart(file, layers, i, "keras.applications' ResNet50V2 has no layer of that name");
            seen.insert(layer.name);
        }
        if (layer.className == "BatchNormalization") {
            const double epsilon = kerasNumber(layer.config, "epsilon", 1e-3);
            if (std::abs(epsilon - kKerasResNetBnEpsilon) > 1e-9)
                throwNoCounterpart(file, layers, i, "NeuroDx's ResNet50V2 normalises with Keras' epsilon 1.001e-5, this layer with " + scaleText(epsilon));
        }
    }
    for (const ResNetLayer& expected : resNet50V2Layers())
        if (!seen.count(expected.name))
            throwNoCounterpart(file, layers, layers.size(), "keras.applications' ResNet50V2 has a layer '" + expected.name + "' that this model lacks");
    const auto stem = std::find_if(layers.begin(), layers.end(), [](const KerasLayer& l) { return l.name == "conv1_conv"; });
    plan.spec.freezeBackbone = stem != layers.end() && stem->config.contains("trainable") && stem->config.at("trainable") == false;

    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (i == front.next)
            plan.layersFound.push_back("ResNet50V2 backbone (" + std::to_string(end - front.next + 1) + " layers, conv1_pad ... post_relu)");
        if (i < front.next || i > end)
            plan.layersFound.push_back(describeKerasLayer(layers[i]));
    }

    // The head: GlobalAveragePooling2D, then Dense layers (Dropout between them; an activation layer
    // right after a linear Dense counts as that Dense's activation).
    std::vector<std::string> denses;
    std::string problem;
    bool pooled = false;
    for (std::size_t i = end + 1; i < layers.size() && problem.empty(); ++i) {
        const KerasLayer& layer = layers[i];
        if (layer.className == "GlobalAveragePooling2D" && !pooled && denses.empty()) {
            pooled = true;
        } else if (layer.className == "Dense" && pooled) {
            std::string act = kerasActivation(layer);
            if (act == "linear" && i + 1 < layers.size()) {
                const KerasLayer& next = layers[i + 1];
                const std::string nextAct = next.className == "Activation" ? kerasActivation(next)
                                            : next.className == "ReLU"      ? std::string("relu")
                                            : next.className == "Softmax"   ? std::string("softmax")
                                                                            : std::string();
                if (!nextAct.empty()) {
                    act = nextAct;
                    ++i;
                }
            }
            const bool last = std::none_of(layers.begin() + static_cast<std::ptrdiff_t>(i) + 1, layers.end(),
                                           [](const KerasLayer& l) { return l.className == "Dense"; });
            if (!last && act != "relu")
                problem = describeKerasLayer(layer) + " applies " + act + " where " + kHeadShape;
            if (last && act != "softmax" && act != "linear")
                problem = describeKerasLayer(layer) + " applies " + act + "; NeuroDx turns the outputs into probabilities with softmax";
            if (last && act == "linear")
                plan.notices.push_back("the last Dense gives logits (no softmax); NeuroDx applies softmax to them");
            denses.push_back(layer.name);
        } else if (layer.className == "Dropout" && pooled) {
            plan.notices.push_back("Dropout '" + layer.name + "' in the head does nothing at inference and is left out");
        } else {
            problem = describeKerasLayer(layer) + " has no counterpart: " + kHeadShape;
        }
    }
    if (!problem.empty()) {
        plan.hasHead = false;
        plan.headProblem = problem;
    } else if (!denses.empty() && !pooled) {
        plan.hasHead = false;
        plan.headProblem = kHeadShape;
    } else {
        headFromDense(weights, denses, plan);
    }
    fillInput(content, weights, declaredInput(file, model, front).size, plan);
    return plan;
}

KerasModelPlan resNetPlanFromWeights(const KerasHdf5Content& content, const KerasLayerWeights& weights)
{
    std::set<std::string> names(weights.order.begin(), weights.order.end());
    requireFiftyLayers(content.file, names);
    KerasModelPlan plan;
    std::vector<std::string> denses;
    for (const std::string& layer : weights.order) {
        const KerasWeight* kernel = weights.find(layer, "kernel");
        if (!isBackboneName(layer) && kernel && kernel->shape.size() == 2)
            denses.push_back(layer);
    }
    plan.layersFound.push_back("ResNet50V2 backbone (" + std::to_string(weights.order.size() - denses.size()) + " layers with weights)");
    for (const std::string& dense : denses)
        plan.layersFound.push_back("Dense '" + dense + "'");
    headFromDense(weights, denses, plan);
    fillInput(content, weights, 0, plan);
    plan.notices.push_back("a weight file does not describe its preprocessing: NeuroDx feeds pixel / 255 in [0, 1], as the seed's transfer model "
                           "did (Rescaling(1/255) before ResNet50V2); keras.applications' ImageNet weights were trained on [-1, 1] "
                           "(resnet_v2.preprocess_input)");
    return plan;
}

} // namespace keras

} // namespace neurodx
