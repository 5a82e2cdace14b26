#pragma once

// Shared by the matchers of core/interop (KerasArchitecture, KerasCnn, KerasResNet); not for callers.
#include "interop/KerasArchitecture.h"
#include "interop/KerasLayers.h"

#include <cstddef>
#include <string>
#include <vector>

namespace neurodx::keras {

// The preprocessing in front of the network: Keras' input pipeline inside the model.
struct InputFront {
    double rescale = 1.0;         // product of the Rescaling scales
    bool hasRescaling = false;
    int resize = 0;               // Resizing's square side, 0 when there is none
    std::size_t next = 0;         // index of the first layer after the preprocessing
    std::vector<std::string> notices;
};

// Reads InputLayer, Rescaling, Resizing and training-only layers from the start of `layers`.
// Throws for what NeuroDx cannot reproduce exactly: a Rescaling with an offset, a non-square Resizing.
InputFront inputFront(const std::filesystem::path& file, const std::vector<KerasLayer>& layers);

// Fills plan.inputScale and the notices about it from the front.
void applyInputScale(const InputFront& front, KerasModelPlan& plan);

// The square side and channels the model_config declares (input shape or Resizing); 0 when unknown.
struct DeclaredInput {
    int size = 0;
    int channels = 0;
};
DeclaredInput declaredInput(const std::filesystem::path& file, const KerasModelLayers& model, const InputFront& front);

// Throws NeuroDxError(UnsupportedFormat) naming the file: what is wrong at layers[offending] (or at
// the end of the model when offending == layers.size()) and the list of layers found.
[[noreturn]] void throwNoCounterpart(const std::filesystem::path& file, const std::vector<KerasLayer>& layers, std::size_t offending,
                                     const std::string& why);

// The kernel of a layer, checked to exist with `rank` dimensions.
const KerasWeight& kernelOf(const std::filesystem::path& file, const KerasLayerWeights& weights, const std::string& layer, std::size_t rank);

// "conv2_block1_preact_bn" in the file: keras.applications' ResNet V2 naming.
bool isResNetV2(const KerasLayerWeights& weights, const std::vector<KerasLayer>& layers);

KerasModelPlan cnnPlanFromConfig(const KerasHdf5Content& content, const KerasModelLayers& model, const KerasLayerWeights& weights);
KerasModelPlan cnnPlanFromWeights(const KerasHdf5Content& content, const KerasLayerWeights& weights);
KerasModelPlan resNetPlanFromConfig(const KerasHdf5Content& content, const KerasModelLayers& model, const KerasLayerWeights& weights);
KerasModelPlan resNetPlanFromWeights(const KerasHdf5Content& content, const KerasLayerWeights& weights);

} // namespace neurodx::keras
