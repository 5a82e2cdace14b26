#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

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
};

} // namespace neurodx
