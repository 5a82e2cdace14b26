#pragma once

#include "imaging/SliceInfo.h"
#include "inference/Prediction.h"

#include <string>
#include <vector>

namespace neurodx {

// Confidence below this makes a prediction "unsure" (a warning, not a refusal).
inline constexpr double kLowConfidence = 0.6;

// Where an input differs from what the model was trained on (the modality is not MR, a colour image,
// a size far from the model's input, far from square, one frame of many) or the model is unsure
// about it, in sentences. The same words in the viewer, the batch table and `neurodx-cli predict`.
std::vector<std::string> inputWarnings(const SliceInfo& info, int inputSize, double confidence, double lowConfidence = kLowConfidence);

// What Prediction::warnings holds: kUnlikeTrainingWarning first when the prediction is flagged, then
// inputWarnings(). The one place that orders them, for single slices and batches alike.
std::vector<std::string> predictionWarnings(const SliceInfo& info, int inputSize, const Prediction& prediction,
                                            double lowConfidence = kLowConfidence);

// How far above chance (1 / classes) a model's validation accuracy must be before its predictions
// are worth reading without a warning.
inline constexpr double kWeakModelMargin = 0.15;

// What to know about a model before trusting any of its predictions, from its file's metadata: a
// validation accuracy within kWeakModelMargin of chance (the model has not learned the classes).
// Empty when the metadata holds no validation figures (an imported Keras model) or nothing is wrong.
std::vector<std::string> modelWarnings(const nlohmann::json& metadata, std::size_t classCount);

} // namespace neurodx
