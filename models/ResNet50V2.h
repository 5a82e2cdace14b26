#pragma once

#include "Classifier.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <string>
#include <vector>

namespace neurodx {

struct ResNet50V2Options {
    int inputChannels = 3;
    int classes = 3;
    int hiddenUnits = 1024;       // the seed's head: GlobalAveragePooling - Dense 1024 - Dense classes
    bool freezeBackbone = false;  // the seed's transfer setting: only the head trains
};

// Pre-activation ResNet-50 v2 (He et al. 2016, "Identity Mappings in Deep Residual Networks") laid
// out exactly as keras.applications.ResNet50V2: the same layer names, convolutions with biases
// exactly where Keras has them (stem, shortcut and each block's last 1x1), zero padding before the
// stem's max pool, strides in the last block of each stack. So the parameter count equals Keras'
// (25,666,051 with the seed's head; 2,101,251 trainable when frozen) and Keras weights map by name.
class ResNet50V2 final : public Classifier {
public:
    explicit ResNet50V2(const ResNet50V2Options& options);
    torch::Tensor forward(torch::Tensor input) override;
    // A frozen backbone keeps its batch-norm statistics fixed (Keras runs frozen BN in inference mode).
    void train(bool on = true) override;

    const ResNet50V2Options& options() const { return m_options; }
    // The last convolutional feature map (after the final BN + ReLU, before pooling), for Grad-CAM.
    torch::Tensor features(torch::Tensor input) override;
    torch::Tensor head(torch::Tensor features) override;
    // A row per residual block (Keras lists each block's dozen layers; the block is the unit here).
    std::vector<LayerSummary> describeLayers(const torch::Tensor& input) override;

private:
    struct Block {
        torch::nn::BatchNorm2d preact{nullptr};
        torch::nn::Conv2d shortcut{nullptr}; // only in each stack's first block
        torch::nn::Conv2d conv1{nullptr};
        torch::nn::BatchNorm2d bn1{nullptr};
        torch::nn::Conv2d conv2{nullptr};
        torch::nn::BatchNorm2d bn2{nullptr};
        torch::nn::Conv2d conv3{nullptr};
        int stride = 1;
        std::string name;
    };
    Block makeBlock(const std::string& name, int inChannels, int filters, int stride, bool convShortcut);
    torch::Tensor blockForward(Block& block, const torch::Tensor& x);

    ResNet50V2Options m_options;
    torch::nn::Conv2d m_stem{nullptr};
    std::vector<Block> m_blocks;
    torch::nn::BatchNorm2d m_postBn{nullptr};
    torch::nn::Linear m_hidden{nullptr};
    torch::nn::Linear m_output{nullptr};
};

} // namespace neurodx
