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

// Keras' model.summary(): the layers with output shapes for one channels x imageSize x imageSize
// image, and the parameter totals. Runs one image through the model (in eval mode, no gradients;
// the model's mode is restored).
ModelSummary summarizeModel(Classifier& model, const std::string& architecture, int inputChannels, int imageSize);

// Channels-last (NHWC) memory layout for models with 3-channel input: same values, same results,
// only the layout changes, which lets oneDNN convolutions and the pooling kernels vectorise over
// channels (3x256x256 training 1.15-1.4x faster on this CPU, bench/RESULTS.md). With 1-channel
// input the first convolution takes a slower path in that layout (measured 15-20% slower), so
// those models stay NCHW. toChannelsLast() converts the 4-D weights of a model taking
// `inputChannels`; channelsLast() converts an input batch to match. Files are unaffected (saving
// writes plain contiguous tensors).
bool usesChannelsLast(int inputChannels);
void toChannelsLast(torch::nn::Module& model, int inputChannels);
torch::Tensor channelsLast(const torch::Tensor& images);

} // namespace neurodx
