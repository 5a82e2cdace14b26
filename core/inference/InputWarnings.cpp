#include "InputWarnings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace neurodx {

std::vector<std::string> inputWarnings(const SliceInfo& info, int inputSize, double confidence, double lowConfidence)
{
    std::vector<std::string> warnings;
    if (!info.modality.empty() && info.modality != "MR")
        warnings.push_back("the modality is " + info.modality + ", not MR: the model was trained on MRI");
    if (info.isColour())
        warnings.push_back("a colour image (" + info.photometric + "): the model was trained on grey MRI slices");
    const int longest = std::max(info.width, info.height);
    if (longest < inputSize / 4 || longest > inputSize * 8)
        warnings.push_back("the image is " + std::to_string(info.width) + " x " + std::to_string(info.height) + " pixels, far from the model's " +
                           std::to_string(inputSize) + " x " + std::to_string(inputSize));
    if (std::max(info.width, info.height) > 1.5 * std::min(info.width, info.height))
        warnings.push_back("the image is far from square: resizing to the model's square input distorts it");
    if (info.frames > 1 && !info.volumeRange) // slices of a volume are not frames
        warnings.push_back("a multi-frame image: frame " + std::to_string(info.frame + 1) + " of " + std::to_string(info.frames) + " is classified");
    if (confidence < lowConfidence) {
        char text[128];
        std::snprintf(text, sizeof text, "low confidence (%.3f): the model is unsure about this slice", confidence);
        warnings.push_back(text);
    }
    return warnings;
}

std::vector<std::string> predictionWarnings(const SliceInfo& info, int inputSize, const Prediction& prediction, double lowConfidence)
{
    std::vector<std::string> warnings = inputWarnings(info, inputSize, prediction.confidence, lowConfidence);
    if (prediction.unlikeTraining)
        warnings.insert(warnings.begin(), kUnlikeTrainingWarning);
    return warnings;
}

std::vector<std::string> modelWarnings(const nlohmann::json& metadata, std::size_t classCount)
{
    if (classCount < 2 || !metadata.is_object())
        return {};
    const auto validation = metadata.find("validation");
    if (validation == metadata.end() || !validation->is_object())
        return {};
    const auto accuracy = validation->find("accuracy");
    if (accuracy == validation->end() || !accuracy->is_number())
        return {};
    const double chance = 1.0 / static_cast<double>(classCount);
    const double value = accuracy->get<double>();
    if (value >= chance + kWeakModelMargin)
        return {};
    char text[320];
    std::snprintf(text, sizeof text,
                  "this model's validation accuracy is %.2f, close to chance (%.2f for %zu classes): it has not learned to tell the "
                  "classes apart, so its predictions mean little (train longer or on more data, or choose another model)",
                  value, chance, classCount);
    return {text};
}

} // namespace neurodx
