#pragma once

#include "ModelSpec.h"
#include "interop/KerasHdf5.h"

#include <map>
#include <string>
#include <vector>

// Which NeuroDx network a Keras file describes, read from its model_config (whole-model files) or
// from its weights' names and shapes (weight files). No LibTorch here: the weights are converted
// by KerasWeights.
namespace neurodx {

// Keras' BatchNormalization epsilon in keras.applications.ResNet50V2 (resnet.py: epsilon=1.001e-5);
// NeuroDx's ResNet50V2 uses the same.
inline constexpr double kKerasResNetBnEpsilon = 1.001e-5;

struct KerasModelPlan {
    ModelSpec spec;             // architecture, filters, units, classes, image size, channels, dropout
    bool hasHead = true;        // false: a backbone (or an ImageNet top) with no NeuroDx classifier head
    std::string headProblem;    // why there is no head, in words (for import-model's refusal)
    // NeuroDx's input is an 8-bit pixel / 255. Keras' first layer saw pixel * rescaling (the product
    // of the model's Rescaling scales), so the first convolution's kernel is multiplied by
    // 255 * rescaling: 1 for the seed's Rescaling(1/255).
    double inputScale = 1.0;
    bool flattenChannelsLast = true;          // Flatten(data_format="channels_last"): (H, W, C) order
    std::map<std::string, std::string> layerFor; // NeuroDx module ("conv1", "dense1"...) -> Keras layer name
    std::vector<std::string> layersFound;     // "Conv2D 'conv2d' (32 filters, 3x3, same, relu)", in model order
    std::vector<std::string> notices;         // what the user should know (assumptions, ignored layers)
};

// Reads the plan, or throws NeuroDxError naming the file with the layers found and the one that has
// no counterpart in NeuroDx (or why the file cannot be read as any NeuroDx network).
KerasModelPlan kerasModelPlan(const KerasHdf5Content& content);

// Weights by Keras layer name, then by kind ("kernel", "bias", "gamma", "beta", "moving_mean",
// "moving_variance"). A group holding one layer's weights is that layer, whatever prefix its weight
// names carry ("dense_3/kernel:0" in group "dense" after a re-save); a nested model's group holds
// several layers, named by the part before the kind ("conv1_conv/kernel:0" in group "resnet50v2").
struct KerasLayerWeights {
    std::vector<std::string> order; // layers that hold weights, in the file's layer order
    std::map<std::string, std::map<std::string, const KerasWeight*>> byLayer;
    const KerasWeight* find(const std::string& layer, const std::string& kind) const;
    bool has(const std::string& layer) const { return byLayer.count(layer) > 0; }
};
// Points into `content`, which must outlive the result.
KerasLayerWeights kerasLayerWeights(const KerasHdf5Content& content);

// The layers of keras.applications.ResNet50V2 that hold weights, in order, with NeuroDx's names
// (which are Keras' names): the stem, every block's convolutions and batch norms, post_bn.
struct ResNetLayer {
    std::string name;
    bool isBatchNorm = false;
    bool hasBias = false; // convolutions: Keras gives biases to conv1_conv, *_0_conv and *_3_conv only
};
const std::vector<ResNetLayer>& resNet50V2Layers();

} // namespace neurodx
