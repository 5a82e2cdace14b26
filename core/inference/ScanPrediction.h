#pragma once

#include "volume/SliceSelection.h"
#include "volume/Volume.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace neurodx {

class Predictor;

struct ScanSliceProbabilities {
    int index = 0;                     // slice index in the plane
    double positionMm = 0;             // slicePositionMm()
    std::vector<double> probabilities; // per class
    int predicted = -1;
};

// One verdict for a whole scan: the model predicts every slice of the range it was trained on and
// the verdict is the mean of the slices' probabilities, the aggregate evaluation uses at subject
// level.
struct ScanPrediction {
    std::vector<std::string> classNames;
    SliceSelection selection;
    bool selectionFromModel = false;        // false: the model file does not say; the default was used
    std::vector<ScanSliceProbabilities> slices;
    std::vector<double> probabilities;      // the mean over slices
    int predicted = -1;
    double confidence = 0;                  // probabilities[predicted]
    double agreement = 0;                   // share of slices whose own top class is the verdict
    // 95% percentile-bootstrap interval of `confidence` over the slices (resampled 1000 times,
    // seeded): how much the verdict rests on which slices were taken.
    double confidenceLow = 0, confidenceHigh = 0;
    bool calibrated = false;                // the slices' probabilities are temperature-scaled
    std::size_t unlikeTrainingSlices = 0;   // slices flagged by the model file's FeatureDensity
    bool outlierChecked = false;            // false: the model file cannot tell
    std::vector<std::string> warnings;      // the volume's (gaps, obliquity...) and the prediction's
};

// The slice selection stored in a model file's metadata ("dataset": {"slices": ...}), if any.
std::optional<SliceSelection> modelSliceSelection(const nlohmann::json& metadata);

// Predicts a canonical volume with `predictor`: the model's own slice selection, unless `requested`
// overrides it. Throws NeuroDxError when no slice falls in the selection.
ScanPrediction predictScan(Predictor& predictor, const Volume& canonical, const std::optional<SliceSelection>& requested = std::nullopt);

// {"class_names", "prediction", "confidence", "probabilities", "agreement", "slices": [...], ...}
nlohmann::json toJson(const ScanPrediction& prediction, bool withSlices = true);

} // namespace neurodx
