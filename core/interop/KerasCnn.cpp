// The seed's CNN in a Keras file: Conv2D(f1, 3x3, same, relu) - MaxPooling2D(2) - Conv2D(f2, ...) -
// MaxPooling2D(2) - Flatten - Dense(units, relu) - Dense(classes, softmax), behind the seed's
// preprocessing (Resizing, Rescaling(1/255), RandomFlip, RandomRotation).
#include "KerasMatching.h"

#include "common/NeuroDxError.h"

#include <cmath>

namespace neurodx::keras {

namespace {

enum class Op { Conv, Pool, Flatten, Dense };

struct Step {
    Op op;
    std::size_t layer;      // index in the flattened layer list
    std::string activation; // Conv and Dense
};

const char* opName(Op op)
{
    switch (op) {
    case Op::Conv: return "Conv2D(3x3, same, relu)";
    case Op::Pool: return "MaxPooling2D(2)";
    case Op::Flatten: return "Flatten";
    case Op::Dense: return "Dense";
    }
    return "";
}

// The preset whose sizes these are, else the sized CNN.
Architecture cnnArchitectureFor(int filters1, int filters2, int units)
{
    for (const Architecture preset : {Architecture::Vanilla, Architecture::Tuned}) {
        CnnSizes sizes;
        if (cnnPresetSizes(preset, sizes) && sizes.filters1 == filters1 && sizes.filters2 == filters2 && sizes.hiddenUnits == units)
            return preset;
    }
    return Architecture::Cnn;
}

bool all(const std::vector<std::int64_t>& values, std::int64_t expected, std::size_t count)
{
    if (values.empty())
        return true; // not given: Keras' default
    if (values.size() != count && values.size() != 1)
        return false;
    for (std::int64_t v : values)
        if (v != expected)
            return false;
    return true;
}

// The layer's problem for NeuroDx's CNN, or "" when it fits.
std::string convProblem(const KerasLayer& layer)
{
    const nlohmann::json& c = layer.config;
    const std::vector<std::int64_t> kernel = kerasInts(c, "kernel_size");
    if (kernel.empty() || !all(kernel, 3, 2))
        return "NeuroDx's CNN convolves with 3x3 kernels";
    if (!all(kerasInts(c, "strides"), 1, 2) || !all(kerasInts(c, "dilation_rate"), 1, 2) || c.value("groups", 1) != 1)
        return "NeuroDx's CNN convolves with stride 1, no dilation and one group";
    if (kerasString(c, "padding", "valid") != "same")
        return "NeuroDx's CNN pads 'same' (the seed's padding)";
    if (kerasString(c, "data_format", "channels_last") != "channels_last")
        return "NeuroDx reads channels_last Keras models (TensorFlow's default)";
    const std::string activation = kerasActivation(layer);
    if (activation != "relu" && activation != "linear")
        return "NeuroDx's CNN uses ReLU after each convolution, not " + activation;
    return {};
}

std::string poolProblem(const KerasLayer& layer)
{
    const nlohmann::json& c = layer.config;
    const std::vector<std::int64_t> pool = kerasInts(c, "pool_size");
    if (!all(pool, 2, 2) || !all(kerasInts(c, "strides"), 2, 2) || kerasString(c, "padding", "valid") != "valid")
        return "NeuroDx's CNN max-pools 2x2 with stride 2 and 'valid' padding";
    return {};
}

// The activation an Activation / ReLU / Softmax layer applies, or "" when it is something else.
std::string standaloneActivation(const KerasLayer& layer)
{
    if (layer.className == "Activation")
        return kerasActivation(layer);
    if (layer.className == "Softmax")
        return "softmax";
    if (layer.className == "ReLU") {
        const nlohmann::json& c = layer.config;
        const bool plain = (!c.contains("max_value") || c.at("max_value").is_null()) && kerasNumber(c, "negative_slope", 0.0) == 0.0 &&
                           kerasNumber(c, "threshold", 0.0) == 0.0;
        return plain ? "relu" : "clipped or leaky ReLU";
    }
    return {};
}

std::vector<Step> stepsOf(const std::filesystem::path& file, const std::vector<KerasLayer>& layers, std::size_t start, KerasModelPlan& plan)
{
    std::vector<Step> steps;
    int denses = 0;
    for (std::size_t i = start; i < layers.size(); ++i) {
        const KerasLayer& layer = layers[i];
        const std::string& type = layer.className;
        if (type == "InputLayer")
            continue;
        if (isTrainingOnlyLayer(type)) {
            plan.notices.push_back(type + " '" + layer.name + "' acts only while training and is left out");
        } else if (type == "Conv2D") {
            if (const std::string problem = convProblem(layer); !problem.empty())
                throwNoCounterpart(file, layers, i, problem);
            steps.push_back({Op::Conv, i, kerasActivation(layer)});
        } else if (type == "MaxPooling2D") {
            if (const std::string problem = poolProblem(layer); !problem.empty())
                throwNoCounterpart(file, layers, i, problem);
            steps.push_back({Op::Pool, i, {}});
        } else if (type == "Flatten") {
            plan.flattenChannelsLast = kerasString(layer.config, "data_format", "channels_last") != "channels_first";
            steps.push_back({Op::Flatten, i, {}});
        } else if (type == "Dense") {
            steps.push_back({Op::Dense, i, kerasActivation(layer)});
            ++denses;
        } else if (type == "Dropout") {
            const double rate = kerasNumber(layer.config, "rate", 0.0);
            if (denses == 1 && !steps.empty() && steps.back().op == Op::Dense)
                plan.spec.dropout = rate; // NeuroDx's place for it: after the hidden Dense
            else
                plan.notices.push_back("Dropout '" + layer.name + "' sits where NeuroDx's CNN has none; it does nothing at inference, so "
                                       "predictions are unchanged, but training from this model will not apply it");
        } else if (const std::string activation = standaloneActivation(layer); !activation.empty()) {
            if (activation == "linear")
                continue;
            const bool mergeable = !steps.empty() && (steps.back().op == Op::Conv || steps.back().op == Op::Dense) &&
                                   steps.back().activation == "linear" && (activation == "relu" || activation == "softmax");
            if (!mergeable)
                throwNoCounterpart(file, layers, i, "NeuroDx's CNN has no activation " + activation + " here");
            steps.back().activation = activation;
        } else {
            throwNoCounterpart(file, layers, i, type == "Rescaling" || type == "Resizing" ? "NeuroDx preprocesses before the first layer only"
                                                                                          : "NeuroDx has no such layer");
        }
    }
    return steps;
}

// Size and channels from the weights (the truth), checked against what the config declares.
void fillSpec(const KerasHdf5Content& content, const KerasLayerWeights& weights, const std::vector<std::string>& names, const DeclaredInput& declared,
              KerasModelPlan& plan)
{
    const std::filesystem::path& file = content.file;
    const KerasWeight& conv1 = kernelOf(file, weights, names[0], 4);
    const KerasWeight& conv2 = kernelOf(file, weights, names[1], 4);
    const KerasWeight& dense1 = kernelOf(file, weights, names[2], 2);
    const KerasWeight& dense2 = kernelOf(file, weights, names[3], 2);
    const std::int64_t channels = conv1.shape[2], filters1 = conv1.shape[3], filters2 = conv2.shape[3];
    if (conv1.shape[0] != 3 || conv1.shape[1] != 3 || conv2.shape[0] != 3 || conv2.shape[1] != 3 || conv2.shape[2] != filters1)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the convolution kernels' shapes do not chain (3x3 kernels, the second taking the first's filters)");
    const std::int64_t flat = dense1.shape[0];
    const auto pooled = static_cast<std::int64_t>(std::llround(std::sqrt(static_cast<double>(flat / std::max<std::int64_t>(filters2, 1)))));
    if (pooled < 1 || pooled * pooled * filters2 != flat)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the first Dense takes " + std::to_string(flat) + " values, which is not " +
                                                                   std::to_string(filters2) + " channels of a square image: NeuroDx's CNN takes square images");
    if (dense2.shape[0] != dense1.shape[1])
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the two Dense kernels' shapes do not chain");
    const int size = static_cast<int>(pooled * 4);
    if (declared.size > 0 && declared.size != size)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the model takes " + std::to_string(declared.size) + "x" + std::to_string(declared.size) +
                                                                   " images, which NeuroDx's CNN cannot pool twice by 2 without remainder (it needs a side divisible by 4)");
    if (declared.channels > 0 && declared.channels != channels)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the model declares " + std::to_string(declared.channels) + " input channels but its first kernel takes " +
                                                             std::to_string(channels));
    if (channels != 1 && channels != 3)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the model takes " + std::to_string(channels) + " channels; NeuroDx feeds 1 (grey) or 3 (grey replicated)");
    if (dense2.shape[1] < 2)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the model's last Dense has one output; NeuroDx classifies into two or more classes with softmax");
    ModelSpec& spec = plan.spec;
    spec.filters1 = static_cast<int>(filters1);
    spec.filters2 = static_cast<int>(filters2);
    spec.hiddenUnits = static_cast<int>(dense1.shape[1]);
    spec.classes = static_cast<int>(dense2.shape[1]);
    spec.architecture = cnnArchitectureFor(spec.filters1, spec.filters2, spec.hiddenUnits);
    spec.imageSize = size;
    spec.inputChannels = static_cast<int>(channels);
    const char* modules[] = {"conv1", "conv2", "dense1", "dense2"};
    for (int i = 0; i < 4; ++i)
        plan.layerFor[modules[i]] = names[static_cast<std::size_t>(i)];
}

} // namespace

KerasModelPlan cnnPlanFromConfig(const KerasHdf5Content& content, const KerasModelLayers& model, const KerasLayerWeights& weights)
{
    const std::filesystem::path& file = content.file;
    const std::vector<KerasLayer>& layers = model.layers;
    KerasModelPlan plan;
    for (const KerasLayer& layer : layers)
        plan.layersFound.push_back(describeKerasLayer(layer));
    const InputFront front = inputFront(file, layers);
    plan.notices = front.notices;
    applyInputScale(front, plan);
    const std::vector<Step> steps = stepsOf(file, layers, front.next, plan);

    const Op expected[] = {Op::Conv, Op::Pool, Op::Conv, Op::Pool, Op::Flatten, Op::Dense, Op::Dense};
    constexpr std::size_t kSteps = sizeof expected / sizeof expected[0];
    for (std::size_t k = 0; k < kSteps; ++k) {
        if (k >= steps.size())
            throwNoCounterpart(file, layers, layers.size(), std::string("NeuroDx's CNN continues with ") + opName(expected[k]));
        const Step& step = steps[k];
        if (step.op != expected[k])
            throwNoCounterpart(file, layers, step.layer, std::string("NeuroDx's CNN has ") + opName(expected[k]) + " at this point");
        const bool hidden = step.op == Op::Conv || (step.op == Op::Dense && k == 5);
        if (hidden && step.activation != "relu")
            throwNoCounterpart(file, layers, step.layer, "NeuroDx's CNN applies ReLU here, the model applies " + step.activation);
        if (step.op == Op::Dense && k == 6 && step.activation != "softmax") {
            if (step.activation != "linear")
                throwNoCounterpart(file, layers, step.layer, "NeuroDx turns the last layer's outputs into probabilities with softmax, not " + step.activation);
            plan.notices.push_back("the last Dense gives logits (no softmax); NeuroDx applies softmax to them, as "
                                   "SparseCategoricalCrossentropy(from_logits=True) assumes");
        }
    }
    if (steps.size() > kSteps)
        throwNoCounterpart(file, layers, steps[kSteps].layer, "NeuroDx's CNN ends with the second Dense");

    std::vector<std::string> names;
    for (std::size_t k : {0, 2, 5, 6})
        names.push_back(layers[steps[k].layer].name);
    fillSpec(content, weights, names, declaredInput(file, model, front), plan);
    if (front.resize > 0 && model.inputShape && (*model.inputShape)[0] > 0 && (*model.inputShape)[0] != front.resize)
        plan.notices.push_back("the model resizes its input to " + std::to_string(front.resize) + "x" + std::to_string(front.resize) + "; so does NeuroDx");
    return plan;
}

KerasModelPlan cnnPlanFromWeights(const KerasHdf5Content& content, const KerasLayerWeights& weights)
{
    KerasModelPlan plan;
    std::vector<std::string> names;
    std::string shapes;
    for (const std::string& layer : weights.order) {
        const KerasWeight* kernel = weights.find(layer, "kernel");
        std::string shape;
        if (kernel)
            for (std::int64_t d : kernel->shape)
                shape += (shape.empty() ? "" : "x") + std::to_string(d);
        shapes += (shapes.empty() ? "" : ", ") + layer + (kernel ? " (kernel " + shape + ")" : " (no kernel)");
        plan.layersFound.push_back(layer + (kernel ? " (kernel " + shape + ")" : ""));
        if (kernel)
            names.push_back(layer);
    }
    const auto rankOf = [&](std::size_t i) { return weights.find(names[i], "kernel")->shape.size(); };
    if (names.size() != 4 || rankOf(0) != 4 || rankOf(1) != 4 || rankOf(2) != 2 || rankOf(3) != 2)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, content.file,
                           "a Keras weight file whose layers match none of NeuroDx's networks (the seed's CNN: two 3x3 Conv2D kernels, then two "
                           "Dense kernels; keras.applications' ResNet50V2). Layers with weights: " + shapes);
    fillSpec(content, weights, names, {}, plan);
    plan.notices.push_back("a weight file does not describe its layers: NeuroDx assumes the seed's CNN around these weights "
                           "(Rescaling(1/255) in the model, 'same' padding, ReLU, 2x2 max-pooling, softmax)");
    return plan;
}

} // namespace neurodx::keras
