#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

// The layers of a Keras model_config, flattened: nested Sequential and Functional models (the seed
// wraps its preprocessing in Sequentials, and its transfer model nests keras.applications'
// ResNet50V2) are replaced by their layers, in order.
namespace neurodx {

struct KerasLayer {
    std::string className; // "Conv2D", "Dense", ...
    std::string name;      // the layer's name, which is also its weight group's name
    nlohmann::json config; // the layer's own "config" object
};

struct KerasModelLayers {
    std::string modelClass;           // "Sequential", "Functional" (tf.keras), "Model" (Keras 2.x)
    std::vector<KerasLayer> layers;   // flattened, in model order
    std::optional<std::vector<std::int64_t>> inputShape; // the outermost input's shape, batch dimension dropped
};

// Parses the JSON of the model_config attribute. Throws NeuroDxError naming the file when it is not
// a Keras model config. Keras 2.0's Sequential ("config": [layers]) and later ({"layers": [...]}),
// tf.keras' and Keras 3's layer entries are all read.
KerasModelLayers kerasModelLayers(const std::filesystem::path& file, const std::string& modelConfigJson);

// "relu", "softmax", "linear"... for a layer's "activation" (a name, or Keras 3's serialized form).
std::string kerasActivation(const KerasLayer& layer);
// A config field as integers: 3 -> {3}, [3, 3] -> {3, 3}; empty when missing or null.
std::vector<std::int64_t> kerasInts(const nlohmann::json& config, const char* key);
// A number field, or `fallback` when it is missing or null.
double kerasNumber(const nlohmann::json& config, const char* key, double fallback);
std::string kerasString(const nlohmann::json& config, const char* key, const std::string& fallback);

// One line for the user: "Conv2D 'conv2d' (32 filters, 3x3, same, relu)".
std::string describeKerasLayer(const KerasLayer& layer);

// Layers that only act while training (Keras runs them as identity at inference) and that NeuroDx's
// own augmentation replaces: random flips, rotations, zooms, noise...
bool isTrainingOnlyLayer(const std::string& className);

// "1/255" for 0.00392156..., else the number as text.
std::string scaleText(double scale);

} // namespace neurodx
