#pragma once

#include "Classifier.h"

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace neurodx {

// The seed's CNN: Conv(f1, 3x3, same, ReLU) - MaxPool 2 - Conv(f2, 3x3, same, ReLU) - MaxPool 2 -
// Flatten - Dense(units, ReLU) - Dense(classes). "vanilla" is f1 = 32, f2 = 64, units = 64;
// "tuned" (the seed's Hyperband winner) is f1 = f2 = 16, units = 320.
struct CnnOptions {
    int inputChannels = 1;
    int imageSize = 256;
    int filters1 = 32;
    int filters2 = 64;
    int hiddenUnits = 64;
    int classes = 3;
    double dropout = 0.0; // after the hidden dense layer, training only (a tunable extension)
};

class CnnClassifier final : public Classifier {
public:
    explicit CnnClassifier(const CnnOptions& options);
    torch::Tensor forward(torch::Tensor input) override;
    // The second convolution's activations (after ReLU, before its pooling): imageSize / 2 square.
    torch::Tensor features(torch::Tensor input) override;
    torch::Tensor head(torch::Tensor features) override;
    std::vector<LayerSummary> describeLayers(const torch::Tensor& input) override;
    const CnnOptions& options() const { return m_options; }

private:
    torch::Tensor dense(torch::Tensor pooled); // flatten - hidden - (dropout) - output
    CnnOptions m_options;
    torch::nn::Conv2d m_conv1{nullptr};
    torch::nn::Conv2d m_conv2{nullptr};
    torch::nn::Linear m_hidden{nullptr};
    torch::nn::Linear m_output{nullptr};
};

} // namespace neurodx
