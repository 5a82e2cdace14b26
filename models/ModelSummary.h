#pragma once

#include <cstdint>
#include <string>
#include <vector>

// What Keras' model.summary() shows, for NeuroDx's networks: the layers in order with their output
// shapes and parameter counts, and the totals. Plain data, free of LibTorch, so the GUI can show it.
namespace neurodx {

struct LayerSummary {
    std::string name;                      // the tensor-name prefix: "conv1", "conv3_block2", "dense1"
    std::string type;                      // "Conv2D 3x3", "MaxPooling2D 2x2", "ResNet v2 block"...
    std::vector<std::int64_t> outputShape; // per image, channels first: {32, 128, 128}, {64}
    std::int64_t parameters = 0;           // as Keras counts them (batch-norm moving statistics included)
    std::int64_t trainableParameters = 0;
};

struct ModelSummary {
    std::string architecture;
    std::vector<std::int64_t> inputShape; // {channels, size, size}
    std::vector<LayerSummary> layers;
    std::int64_t parameters = 0;
    std::int64_t trainableParameters = 0;
};

// The summary as Keras prints it: a table of layers, then total, trainable and non-trainable counts.
std::string modelSummaryText(const ModelSummary& summary);

} // namespace neurodx
