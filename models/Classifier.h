#pragma once

#include "ModelSummary.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <string>
#include <vector>

namespace neurodx {

// The interface every NeuroDx network implements: NCHW float input in [0, 1], logits out
// (softmax is applied by the caller, so training can use the numerically stable cross-entropy).
class Classifier : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor input) = 0;
    // forward() in two halves, for Grad-CAM: the last convolutional block's activations
    // (N x C x h x w), and the logits computed from them. head(features(x)) equals forward(x).
    virtual torch::Tensor features(torch::Tensor input) = 0;
    virtual torch::Tensor head(torch::Tensor features) = 0;
    // The layers as Keras' model.summary() lists them, their output shapes measured by passing
    // `input` (one image) through them. Called by summarizeModel(), in eval mode without gradients.
    virtual std::vector<LayerSummary> describeLayers(const torch::Tensor& input) = 0;

protected:
    // A row of describeLayers(): the layer's parameters are those whose names start with `prefix`.
    LayerSummary layerRow(const std::string& prefix, std::string type, const torch::Tensor& output) const;
};

} // namespace neurodx
