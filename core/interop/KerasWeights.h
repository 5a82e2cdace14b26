#pragma once

#include "interop/KerasArchitecture.h"

#include <torch/types.h>

#include <map>
#include <string>

namespace neurodx {

// A Keras file's weights under NeuroDx's state-dict names ("conv1.weight", "conv2_block1_1_bn.running_var"...),
// converted exactly:
// - Conv2D kernels from Keras' (height, width, in, out) to LibTorch's (out, in, height, width);
//   the first one multiplied by plan.inputScale (a Rescaling other than 1/255 folded in);
// - Dense kernels from (in, out) to (out, in); the first Dense after Flatten also re-ordered from
//   Keras' channels-last flatten (h, w, c) to NeuroDx's NCHW flatten (c, h, w);
// - BatchNormalization gamma, beta, moving_mean, moving_variance to weight, bias, running_mean,
//   running_var (Keras' scale=False / center=False: ones / zeros), with num_batches_tracked 0;
// - biases as they are, zeros where Keras has none (use_bias=False).
// Layers the file lacks are left out (weights for transfer may be partial); the head only when
// plan.hasHead.
std::map<std::string, torch::Tensor> neuroDxTensors(const KerasHdf5Content& content, const KerasModelPlan& plan);

} // namespace neurodx
