#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <string>

namespace neurodx {

// The temperature a model file was calibrated with (metadata "calibration"); temperature 1 and no
// slices for files written before calibration existed, or trained without a validation part.
struct ModelCalibration {
    double temperature = 1.0;
    std::size_t validationSlices = 0;
    double nllBefore = 0, nllAfter = 0;
    bool isCalibrated() const { return validationSlices > 0; }
    // "calibrated on 48 validation slices (temperature 1.42)" or "not calibrated (raw softmax)".
    std::string describe() const;
    nlohmann::json toJson() const;
    static ModelCalibration fromMetadata(const nlohmann::json& metadata);
};

} // namespace neurodx
