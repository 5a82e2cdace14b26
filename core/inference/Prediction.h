#pragma once

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace neurodx {

struct Prediction {
    std::string file;
    std::vector<double> probabilities; // one per class, in the model's class order
    int predicted = -1;
    double confidence = 0;             // the predicted class's probability
    bool calibrated = false;           // probabilities temperature-scaled with the model file's temperature
    std::optional<double> outlierScore; // how unlike the training slices (FeatureDensity), when the model file can tell
    bool unlikeTraining = false;       // outlierScore above the model file's threshold
    // About the input (inputWarnings: modality, colour, size, frames, low confidence), with
    // kUnlikeTrainingWarning first when unlikeTraining. Filled where the file's header was read.
    std::vector<std::string> warnings;
    std::string error;                 // set when the file could not be read; probabilities empty
};

// The words shown wherever a prediction is flagged as unlike the training data.
inline constexpr const char* kUnlikeTrainingWarning =
    "unlike the slices this model was trained on: its probabilities say little about this image";

// How inference computes. Auto: bfloat16 autocast where the CPU has AVX512-BF16 (about 3x faster
// at batch 1, same class on 719 of 720 slices measured, probabilities within 0.01; bench/RESULTS.md),
// float32 elsewhere. BFloat16 on a CPU without it falls back to float32.
enum class InferencePrecision { Auto, Float32, BFloat16 };
// "auto", "fp32", "bf16"; throws NeuroDxError(InvalidArgument) for other names.
InferencePrecision inferencePrecisionFromName(const std::string& name);
const char* inferencePrecisionName(InferencePrecision precision);
bool usesBf16(InferencePrecision precision);

nlohmann::json toJson(const Prediction& prediction, const std::vector<std::string>& classNames);

// file,predicted,confidence,p_<class>...,calibrated,unlike_training,outlier_score,warnings,error
// (warnings joined with "; ").
std::string predictionsCsv(const std::vector<Prediction>& predictions, const std::vector<std::string>& classNames);

} // namespace neurodx
