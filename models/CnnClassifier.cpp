#include "CnnClassifier.h"

#include "ReluMaxPool.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/pooling.h>

#include <stdexcept>
#include <string>

namespace neurodx {

CnnClassifier::CnnClassifier(const CnnOptions& options) : m_options(options)
{
    if (options.imageSize < 4 || options.imageSize % 4 != 0)
        throw std::invalid_argument("the CNN needs an image size divisible by 4, not " + std::to_string(options.imageSize));
    if (!(options.dropout >= 0.0 && options.dropout < 1.0))
        throw std::invalid_argument("dropout must lie in [0, 1)");
    if (options.inputChannels < 1 || options.filters1 < 1 || options.filters2 < 1 || options.hiddenUnits < 1 || options.classes < 2)
        throw std::invalid_argument("CNN channels, filters and units must be positive and classes at least 2");
    using torch::nn::Conv2dOptions;
    m_conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(options.inputChannels, options.filters1, 3).padding(1)));
    m_conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(options.filters1, options.filters2, 3).padding(1)));
    const int pooled = options.imageSize / 4;
    m_hidden = register_module("dense1", torch::nn::Linear(static_cast<int64_t>(options.filters2) * pooled * pooled, options.hiddenUnits));
    m_output = register_module("dense2", torch::nn::Linear(options.hiddenUnits, options.classes));
}

torch::Tensor CnnClassifier::forward(torch::Tensor x)
{
    // The same values as head(features(x)), with ReLU and pooling fused (see ReluMaxPool.h): the
    // training path. features()/head() keep the second block's activations apart for saliency.
    x = reluMaxPool2x2(m_conv1->forward(x));
    return dense(reluMaxPool2x2(m_conv2->forward(x)));
}

torch::Tensor CnnClassifier::features(torch::Tensor x)
{
    x = reluMaxPool2x2(m_conv1->forward(x));
    return m_conv2->forward(x).relu_();
}

torch::Tensor CnnClassifier::head(torch::Tensor x)
{
    namespace F = torch::nn::functional;
    return dense(F::max_pool2d(x, F::MaxPool2dFuncOptions(2)));
}

std::vector<LayerSummary> CnnClassifier::describeLayers(const torch::Tensor& input)
{
    namespace F = torch::nn::functional;
    const auto pool = [](const torch::Tensor& x) { return F::max_pool2d(x, F::MaxPool2dFuncOptions(2)); };
    std::vector<LayerSummary> rows;
    torch::Tensor x = m_conv1->forward(input).relu();
    rows.push_back(layerRow("conv1", "Conv2D 3x3, ReLU", x));
    x = pool(x);
    rows.push_back(layerRow("pool1", "MaxPooling2D 2x2", x));
    x = m_conv2->forward(x).relu();
    rows.push_back(layerRow("conv2", "Conv2D 3x3, ReLU", x));
    x = pool(x);
    rows.push_back(layerRow("pool2", "MaxPooling2D 2x2", x));
    x = x.flatten(1);
    rows.push_back(layerRow("flatten", "Flatten", x));
    x = m_hidden->forward(x).relu();
    rows.push_back(layerRow("dense1", "Dense, ReLU", x));
    if (m_options.dropout > 0.0)
        rows.push_back(layerRow("dropout", "Dropout " + std::to_string(m_options.dropout).substr(0, 4), x));
    rows.push_back(layerRow("dense2", "Dense, logits", m_output->forward(x)));
    return rows;
}

torch::Tensor CnnClassifier::dense(torch::Tensor x)
{
    x = torch::relu(m_hidden->forward(x.flatten(1)));
    if (m_options.dropout > 0.0)
        x = torch::dropout(x, m_options.dropout, is_training());
    return m_output->forward(x);
}

} // namespace neurodx
