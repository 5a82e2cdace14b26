#include "KerasWeights.h"

#include "common/NeuroDxError.h"

#include <torch/torch.h>

namespace neurodx {

namespace {

using TensorMap = std::map<std::string, torch::Tensor>;

torch::Tensor tensorOf(const KerasWeight& weight)
{
    // from_blob does not copy; clone() gives the tensor its own storage before `weight` goes away.
    return torch::from_blob(const_cast<float*>(weight.values.data()), weight.shape, torch::kFloat).clone();
}

class Converter {
public:
    Converter(const KerasHdf5Content& content, const KerasModelPlan& plan) : m_content(content), m_plan(plan), m_weights(kerasLayerWeights(content)) {}

    const KerasWeight& required(const std::string& layer, const std::string& kind, std::size_t rank) const
    {
        const KerasWeight* weight = m_weights.find(layer, kind);
        if (!weight)
            throw NeuroDxError(ErrorKind::CorruptFile, m_content.file, "layer '" + layer + "' has no " + kind + " in the file's weights");
        if (weight->shape.size() != rank)
            throw NeuroDxError(ErrorKind::CorruptFile, m_content.file, "the " + kind + " of layer '" + layer + "' has " +
                                                                           std::to_string(weight->shape.size()) + " dimensions, not " + std::to_string(rank));
        return *weight;
    }

    // A vector weight of `length`, or `fallback` filled when Keras has none (use_bias / scale / center off).
    torch::Tensor vector(const std::string& layer, const std::string& kind, std::int64_t length, double fallback) const
    {
        const KerasWeight* weight = m_weights.find(layer, kind);
        if (!weight)
            return torch::full({length}, fallback, torch::kFloat);
        const torch::Tensor t = tensorOf(required(layer, kind, 1));
        if (t.size(0) != length)
            throw NeuroDxError(ErrorKind::CorruptFile, m_content.file, "the " + kind + " of layer '" + layer + "' has " + std::to_string(t.size(0)) +
                                                                           " values for " + std::to_string(length) + " channels");
        return t;
    }

    void conv(TensorMap& out, const std::string& module, const std::string& layer, double scale = 1.0) const
    {
        torch::Tensor kernel = tensorOf(required(layer, "kernel", 4)).permute({3, 2, 0, 1}).contiguous(); // HWIO -> OIHW
        if (scale != 1.0)
            kernel.mul_(scale);
        out[module + ".weight"] = kernel;
        out[module + ".bias"] = vector(layer, "bias", kernel.size(0), 0.0);
    }

    void dense(TensorMap& out, const std::string& module, const std::string& layer) const
    {
        const torch::Tensor kernel = tensorOf(required(layer, "kernel", 2));
        out[module + ".weight"] = kernel.t().contiguous(); // (in, out) -> (out, in)
        out[module + ".bias"] = vector(layer, "bias", kernel.size(1), 0.0);
    }

    // The Dense after Flatten: Keras' input index is (h * W + w) * C + c, NeuroDx's (c * H + h) * W + w.
    void denseAfterFlatten(TensorMap& out, const std::string& module, const std::string& layer, std::int64_t channels, std::int64_t side) const
    {
        const torch::Tensor kernel = tensorOf(required(layer, "kernel", 2));
        if (kernel.size(0) != channels * side * side)
            throw NeuroDxError(ErrorKind::CorruptFile, m_content.file, "the kernel of layer '" + layer + "' does not take the flattened feature map");
        const std::int64_t units = kernel.size(1);
        out[module + ".weight"] = kernel.view({side, side, channels, units}).permute({3, 2, 0, 1}).reshape({units, channels * side * side}).contiguous();
        out[module + ".bias"] = vector(layer, "bias", units, 0.0);
    }

    void batchNorm(TensorMap& out, const std::string& layer) const
    {
        const torch::Tensor mean = tensorOf(required(layer, "moving_mean", 1));
        const std::int64_t channels = mean.size(0);
        out[layer + ".weight"] = vector(layer, "gamma", channels, 1.0);
        out[layer + ".bias"] = vector(layer, "beta", channels, 0.0);
        out[layer + ".running_mean"] = mean;
        out[layer + ".running_var"] = vector(layer, "moving_variance", channels, 1.0);
        out[layer + ".num_batches_tracked"] = torch::zeros({}, torch::kLong); // Keras keeps no such counter
    }

    TensorMap cnn() const
    {
        TensorMap out;
        const ModelSpec& spec = m_plan.spec;
        conv(out, "conv1", m_plan.layerFor.at("conv1"), m_plan.inputScale);
        conv(out, "conv2", m_plan.layerFor.at("conv2"));
        if (m_plan.flattenChannelsLast)
            denseAfterFlatten(out, "dense1", m_plan.layerFor.at("dense1"), spec.filters2, spec.imageSize / 4);
        else
            dense(out, "dense1", m_plan.layerFor.at("dense1"));
        dense(out, "dense2", m_plan.layerFor.at("dense2"));
        return out;
    }

    TensorMap resNet() const
    {
        TensorMap out;
        for (const ResNetLayer& layer : resNet50V2Layers()) {
            if (!m_weights.has(layer.name))
                continue;
            if (layer.isBatchNorm)
                batchNorm(out, layer.name);
            else
                conv(out, layer.name, layer.name, layer.name == "conv1_conv" ? m_plan.inputScale : 1.0);
            if (!layer.isBatchNorm && !layer.hasBias && m_weights.find(layer.name, "bias"))
                throw NeuroDxError(ErrorKind::UnsupportedFormat, m_content.file,
                                   "layer '" + layer.name + "' has a bias, which keras.applications' ResNet50V2 (and NeuroDx's) does not have there");
            if (!layer.isBatchNorm && !layer.hasBias)
                out.erase(layer.name + ".bias");
        }
        if (m_plan.hasHead) {
            dense(out, "dense1", m_plan.layerFor.at("dense1"));
            dense(out, "dense2", m_plan.layerFor.at("dense2"));
        }
        return out;
    }

private:
    const KerasHdf5Content& m_content;
    const KerasModelPlan& m_plan;
    KerasLayerWeights m_weights;
};

} // namespace

std::map<std::string, torch::Tensor> neuroDxTensors(const KerasHdf5Content& content, const KerasModelPlan& plan)
{
    const Converter converter(content, plan);
    return plan.spec.architecture == Architecture::ResNet50V2 ? converter.resNet() : converter.cnn();
}

} // namespace neurodx
