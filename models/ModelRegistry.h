#pragma once

#include "Classifier.h"
#include "ModelSpec.h"

#include <memory>
#include <string>
#include <vector>

namespace neurodx {

// Builds an untrained model; throws std::invalid_argument for an unknown name or bad sizes.
std::shared_ptr<Classifier> createModel(const ModelSpec& spec);

// Parameters as Keras counts them: every weight and bias, trainable or not, and batch-norm moving
// means and variances (PyTorch's num_batches_tracked counters are not parameters in Keras).
std::int64_t parameterCount(const torch::nn::Module& model);
std::int64_t trainableParameterCount(const torch::nn::Module& model);

// Stores every 4-D weight in channels-last (NHWC) order. Same values, same results: only the memory
// layout changes, which lets oneDNN convolutions and the pooling kernels vectorise over channels
// (training 1.25-1.4x faster on this CPU, bench/RESULTS.md). Feed such a model channelsLast()
// inputs; saving and loading are unaffected (files hold plain contiguous tensors).
void toChannelsLast(torch::nn::Module& model);
torch::Tensor channelsLast(const torch::Tensor& images);

} // namespace neurodx
