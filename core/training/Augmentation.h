#pragma once

#include "training/TrainingConfig.h"

#include <opencv2/core/mat.hpp>

namespace neurodx {

class SeededRandom;

// The seed's training-only augmentation on an 8-bit slice: RandomFlip("horizontal_and_vertical")
// and RandomRotation(0.1) with Keras' default fill mode "reflect" (edge pixel repeated, OpenCV's
// BORDER_REFLECT) and bilinear interpolation. Works on bytes, so it is cheap on the loader thread.
cv::Mat augmentSlice(const cv::Mat& slice, const AugmentationConfig& config, SeededRandom& random);

} // namespace neurodx
