#include "ResNet50V2.h"

#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/pooling.h>

#include <stdexcept>

namespace neurodx {

namespace {

torch::nn::BatchNorm2d batchNorm(int channels)
{
    // Keras' BatchNormalization defaults in ResNet50V2: epsilon 1.001e-5, momentum 0.99 (PyTorch: 0.01).
    return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(1.001e-5).momentum(0.01));
}

torch::nn::Conv2d conv(int in, int out, int kernel, int stride, bool bias, int padding = 0)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(bias));
}

} // namespace

ResNet50V2::ResNet50V2(const ResNet50V2Options& options) : m_options(options)
{
    if (options.inputChannels < 1 || options.classes < 2 || options.hiddenUnits < 1)
        throw std::invalid_argument("ResNet50V2 needs at least one input channel, two classes and one hidden unit");
    m_stem = register_module("conv1_conv", conv(options.inputChannels, 64, 7, 2, true, 3));

    struct Stack {
        int filters, blocks, stride;
    };
    const Stack stacks[] = {{64, 3, 2}, {128, 4, 2}, {256, 6, 2}, {512, 3, 1}};
    int channels = 64;
    for (int s = 0; s < 4; ++s) {
        const Stack& stack = stacks[s];
        for (int b = 1; b <= stack.blocks; ++b) {
            const std::string name = "conv" + std::to_string(s + 2) + "_block" + std::to_string(b);
            // Keras' stack2: the first block widens with a 1x1 shortcut, the last one strides.
            m_blocks.push_back(makeBlock(name, channels, stack.filters, b == stack.blocks ? stack.stride : 1, b == 1));
            channels = 4 * stack.filters;
        }
    }
    m_postBn = register_module("post_bn", batchNorm(channels));
    m_hidden = register_module("dense1", torch::nn::Linear(channels, options.hiddenUnits));
    m_output = register_module("dense2", torch::nn::Linear(options.hiddenUnits, options.classes));

    if (options.freezeBackbone) {
        for (auto& p : named_parameters()) {
            if (p.key().rfind("dense", 0) != 0)
                p.value().set_requires_grad(false);
        }
    }
}

ResNet50V2::Block ResNet50V2::makeBlock(const std::string& name, int inChannels, int filters, int stride, bool convShortcut)
{
    Block block;
    block.stride = stride;
    block.name = name;
    block.preact = register_module(name + "_preact_bn", batchNorm(inChannels));
    if (convShortcut)
        block.shortcut = register_module(name + "_0_conv", conv(inChannels, 4 * filters, 1, stride, true));
    block.conv1 = register_module(name + "_1_conv", conv(inChannels, filters, 1, 1, false));
    block.bn1 = register_module(name + "_1_bn", batchNorm(filters));
    block.conv2 = register_module(name + "_2_conv", conv(filters, filters, 3, stride, false, 1));
    block.bn2 = register_module(name + "_2_bn", batchNorm(filters));
    block.conv3 = register_module(name + "_3_conv", conv(filters, 4 * filters, 1, 1, true));
    return block;
}

torch::Tensor ResNet50V2::blockForward(Block& block, const torch::Tensor& x)
{
    const torch::Tensor preact = torch::relu(block.preact->forward(x));
    torch::Tensor shortcut;
    if (block.shortcut)
        shortcut = block.shortcut->forward(preact);
    else if (block.stride > 1)
        shortcut = x.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(torch::indexing::None, torch::indexing::None, block.stride),
                            torch::indexing::Slice(torch::indexing::None, torch::indexing::None, block.stride)}); // MaxPool2D(1, stride)
    else
        shortcut = x;
    torch::Tensor y = torch::relu(block.bn1->forward(block.conv1->forward(preact)));
    y = torch::relu(block.bn2->forward(block.conv2->forward(y)));
    return shortcut + block.conv3->forward(y);
}

torch::Tensor ResNet50V2::features(torch::Tensor x)
{
    namespace F = torch::nn::functional;
    x = m_stem->forward(x);
    // Keras pads the stem output with zeros before the 3x3/2 max pool (not with -inf).
    x = F::max_pool2d(F::pad(x, F::PadFuncOptions({1, 1, 1, 1})), F::MaxPool2dFuncOptions(3).stride(2));
    for (Block& block : m_blocks)
        x = blockForward(block, x);
    return torch::relu(m_postBn->forward(x));
}

torch::Tensor ResNet50V2::forward(torch::Tensor x)
{
    return head(features(std::move(x)));
}

torch::Tensor ResNet50V2::head(torch::Tensor x)
{
    x = x.mean({2, 3}); // global average pooling
    return m_output->forward(torch::relu(m_hidden->forward(x)));
}

std::vector<LayerSummary> ResNet50V2::describeLayers(const torch::Tensor& input)
{
    namespace F = torch::nn::functional;
    std::vector<LayerSummary> rows;
    torch::Tensor x = m_stem->forward(input);
    rows.push_back(layerRow("conv1_conv", "Conv2D 7x7/2", x));
    x = F::max_pool2d(F::pad(x, F::PadFuncOptions({1, 1, 1, 1})), F::MaxPool2dFuncOptions(3).stride(2));
    rows.push_back(layerRow("pool1", "ZeroPadding2D + MaxPooling2D 3x3/2", x));
    for (Block& block : m_blocks) {
        x = blockForward(block, x);
        rows.push_back(layerRow(block.name, block.stride > 1 ? "ResNet v2 block, stride 2" : "ResNet v2 block", x));
    }
    x = torch::relu(m_postBn->forward(x));
    rows.push_back(layerRow("post_bn", "BatchNormalization, ReLU", x));
    x = x.mean({2, 3});
    rows.push_back(layerRow("avg_pool", "GlobalAveragePooling2D", x));
    x = torch::relu(m_hidden->forward(x));
    rows.push_back(layerRow("dense1", "Dense, ReLU", x));
    rows.push_back(layerRow("dense2", "Dense, logits", m_output->forward(x)));
    return rows;
}

void ResNet50V2::train(bool on)
{
    Classifier::train(on);
    if (on && m_options.freezeBackbone) {
        for (auto& child : named_modules("", false)) {
            if (child.key().rfind("dense", 0) != 0)
                child.value()->eval();
        }
    }
}

} // namespace neurodx
