#include "Classifier.h"

namespace neurodx {

LayerSummary Classifier::layerRow(const std::string& prefix, std::string type, const torch::Tensor& output) const
{
    LayerSummary row;
    row.name = prefix;
    row.type = std::move(type);
    for (std::int64_t d = 1; d < output.dim(); ++d)
        row.outputShape.push_back(output.size(d));
    const auto owned = [&prefix](const std::string& name) {
        // "conv1" owns "conv1.weight", "conv2_block1" owns "conv2_block1_1_conv.weight".
        return name.rfind(prefix, 0) == 0 && name.size() > prefix.size() && (name[prefix.size()] == '.' || name[prefix.size()] == '_');
    };
    for (const auto& p : named_parameters()) {
        if (!owned(p.key()))
            continue;
        row.parameters += p.value().numel();
        row.trainableParameters += p.value().requires_grad() ? p.value().numel() : 0;
    }
    for (const auto& b : named_buffers()) {
        if (owned(b.key()) && b.key().find("num_batches_tracked") == std::string::npos)
            row.parameters += b.value().numel(); // Keras counts moving statistics, as non-trainable
    }
    return row;
}

} // namespace neurodx
