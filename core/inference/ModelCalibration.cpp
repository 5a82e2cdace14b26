#include "ModelCalibration.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace neurodx {

namespace {

double metadataNumber(const nlohmann::json& block, const char* key, double fallback)
{
    return block.is_object() && block.contains(key) && block[key].is_number() ? block[key].get<double>() : fallback;
}

} // namespace

std::string ModelCalibration::describe() const
{
    if (!isCalibrated())
        return "not calibrated (raw softmax)";
    char text[96];
    std::snprintf(text, sizeof text, "calibrated on %zu validation slices (temperature %.2f)", validationSlices, temperature);
    return text;
}

nlohmann::json ModelCalibration::toJson() const
{
    return {{"method", "temperature scaling (Guo et al. 2017), NLL on the validation part"},
            {"temperature", temperature},
            {"validation_slices", validationSlices},
            {"nll_before", nllBefore},
            {"nll_after", nllAfter}};
}

ModelCalibration ModelCalibration::fromMetadata(const nlohmann::json& metadata)
{
    ModelCalibration calibration;
    if (!metadata.is_object() || !metadata.contains("calibration"))
        return calibration;
    const nlohmann::json& block = metadata["calibration"];
    const double temperature = metadataNumber(block, "temperature", 1.0);
    const double slices = metadataNumber(block, "validation_slices", 0.0);
    if (!(temperature > 0.01 && temperature < 100) || !(slices >= 1))
        return calibration; // damaged or absent: the raw softmax, said as such
    calibration.temperature = temperature;
    calibration.validationSlices = static_cast<std::size_t>(slices);
    calibration.nllBefore = metadataNumber(block, "nll_before", 0.0);
    calibration.nllAfter = metadataNumber(block, "nll_after", 0.0);
    return calibration;
}

} // namespace neurodx
