#include "KerasLayers.h"

#include "common/NeuroDxError.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace neurodx {

namespace {

using nlohmann::json;

bool isModelClass(const std::string& className)
{
    return className == "Sequential" || className == "Functional" || className == "Model";
}

// The input shape a layer entry declares: tf.keras' InputLayer and Keras 2.x's first layer say
// "batch_input_shape", Keras 3 says "batch_shape".
std::optional<std::vector<std::int64_t>> declaredInputShape(const json& config)
{
    for (const char* key : {"batch_input_shape", "batch_shape"}) {
        const auto it = config.find(key);
        if (it == config.end() || !it->is_array() || it->size() < 2)
            continue;
        std::vector<std::int64_t> shape;
        for (std::size_t i = 1; i < it->size(); ++i)
            shape.push_back((*it)[i].is_number() ? (*it)[i].get<std::int64_t>() : -1); // -1: any size
        return shape;
    }
    return std::nullopt;
}

bool knowsSpatialSize(const std::optional<std::vector<std::int64_t>>& shape)
{
    return shape && shape->size() == 3 && (*shape)[0] > 0 && (*shape)[1] > 0;
}

class Flattener {
public:
    explicit Flattener(const std::filesystem::path& file) : m_file(file) {}

    void model(const json& entry, KerasModelLayers& out)
    {
        const json& config = entry.at("config");
        const json& layers = config.is_array() ? config : config.at("layers");
        if (!layers.is_array())
            throw NeuroDxError(ErrorKind::UnsupportedFormat, m_file, "the model_config's layer list is not a list");
        for (const char* ends : {"input_layers", "output_layers"}) {
            if (config.is_object() && config.contains(ends) && config.at(ends).is_array() && config.at(ends).size() > 1 &&
                config.at(ends).at(0).is_array())
                throw NeuroDxError(ErrorKind::UnsupportedFormat, m_file,
                                   std::string("the Keras model has ") + std::to_string(config.at(ends).size()) + " " +
                                       (ends[0] == 'i' ? "inputs" : "outputs") + "; NeuroDx's networks take one image and give one set of class probabilities");
        }
        for (const json& layer : layers) {
            const std::string className = layer.at("class_name").get<std::string>();
            const json& layerConfig = layer.at("config");
            if (isModelClass(className)) {
                model(layer, out);
                continue;
            }
            KerasLayer flat;
            flat.className = className;
            flat.config = layerConfig.is_object() ? layerConfig : json::object();
            flat.name = flat.config.value("name", layer.value("name", std::string()));
            if (const auto shape = declaredInputShape(flat.config); shape && (!out.inputShape || !knowsSpatialSize(out.inputShape)))
                out.inputShape = shape;
            out.layers.push_back(std::move(flat));
        }
    }

private:
    std::filesystem::path m_file;
};

} // namespace

KerasModelLayers kerasModelLayers(const std::filesystem::path& file, const std::string& modelConfigJson)
{
    KerasModelLayers result;
    try {
        const json config = json::parse(modelConfigJson);
        result.modelClass = config.at("class_name").get<std::string>();
        if (!isModelClass(result.modelClass))
            throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                               "the Keras file holds a '" + result.modelClass + "', not a Sequential or Functional model");
        Flattener(file).model(config, result);
    } catch (const json::exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("the Keras model_config cannot be read: ") + e.what());
    }
    if (result.layers.empty())
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the Keras model has no layers");
    return result;
}

std::string kerasActivation(const KerasLayer& layer)
{
    const auto it = layer.config.find("activation");
    if (it == layer.config.end() || it->is_null())
        return "linear";
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_object()) { // Keras 3: {"module": "keras.activations", "class_name": "function", "config": "relu"}
        const auto inner = it->find("config");
        if (inner != it->end() && inner->is_string())
            return inner->get<std::string>();
        return it->value("class_name", std::string("unknown"));
    }
    return "unknown";
}

std::vector<std::int64_t> kerasInts(const nlohmann::json& config, const char* key)
{
    const auto it = config.find(key);
    if (it == config.end() || it->is_null())
        return {};
    if (it->is_number())
        return {it->get<std::int64_t>()};
    std::vector<std::int64_t> values;
    if (it->is_array())
        for (const json& v : *it)
            values.push_back(v.is_number() ? v.get<std::int64_t>() : -1);
    return values;
}

double kerasNumber(const nlohmann::json& config, const char* key, double fallback)
{
    const auto it = config.find(key);
    return it != config.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string kerasString(const nlohmann::json& config, const char* key, const std::string& fallback)
{
    const auto it = config.find(key);
    return it != config.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string scaleText(double scale)
{
    char text[32];
    if (scale > 0 && scale < 1) {
        // 1/255, 1/127.5: the reciprocal with at most one decimal, as people write it in Keras.
        const double tenths = 10.0 / scale;
        if (std::abs(tenths - std::round(tenths)) < 1e-6 * tenths) {
            std::snprintf(text, sizeof text, "1/%g", std::round(tenths) / 10.0);
            return text;
        }
    }
    std::snprintf(text, sizeof text, "%g", scale);
    return text;
}

std::string describeKerasLayer(const KerasLayer& layer)
{
    const auto sizeText = [](const std::vector<std::int64_t>& v) {
        if (v.empty())
            return std::string("?");
        return std::to_string(v.front()) + "x" + std::to_string(v.size() > 1 ? v[1] : v.front());
    };
    std::string details;
    const nlohmann::json& c = layer.config;
    if (layer.className == "Conv2D")
        details = std::to_string(c.value("filters", 0)) + " filters, " + sizeText(kerasInts(c, "kernel_size")) + ", " +
                  kerasString(c, "padding", "valid") + ", " + kerasActivation(layer);
    else if (layer.className == "Dense")
        details = std::to_string(c.value("units", 0)) + " units, " + kerasActivation(layer);
    else if (layer.className == "MaxPooling2D" || layer.className == "AveragePooling2D")
        details = sizeText(kerasInts(c, "pool_size"));
    else if (layer.className == "Rescaling")
        details = "scale " + scaleText(kerasNumber(c, "scale", 1.0)) +
                  (kerasNumber(c, "offset", 0.0) != 0.0 ? ", offset " + scaleText(kerasNumber(c, "offset", 0.0)) : std::string());
    else if (layer.className == "Resizing")
        details = std::to_string(c.value("height", 0)) + "x" + std::to_string(c.value("width", 0));
    else if (layer.className == "Dropout")
        details = "rate " + scaleText(kerasNumber(c, "rate", 0.0));
    else if (layer.className == "Activation")
        details = kerasActivation(layer);
    return layer.className + " '" + layer.name + "'" + (details.empty() ? "" : " (" + details + ")");
}

bool isTrainingOnlyLayer(const std::string& className)
{
    static const std::set<std::string> names{"RandomFlip",     "RandomRotation",   "RandomZoom",     "RandomTranslation",
                                             "RandomContrast", "RandomBrightness", "GaussianNoise", "GaussianDropout"};
    return names.count(className) > 0;
}

} // namespace neurodx
