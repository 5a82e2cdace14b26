#include "ScanPrediction.h"

#include "common/SeededRandom.h"
#include "evaluation/Metrics.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "inference/Predictor.h"
#include "volume/VolumeSlicing.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace neurodx {

std::optional<SliceSelection> modelSliceSelection(const nlohmann::json& metadata)
{
    if (!metadata.is_object() || !metadata.contains("dataset") || !metadata["dataset"].is_object() || !metadata["dataset"].contains("slices"))
        return std::nullopt;
    try {
        return SliceSelection::fromJson(metadata["dataset"]["slices"]);
    } catch (const NeuroDxError&) {
        return std::nullopt; // an unreadable record is treated as none: the default applies, with its warning
    }
}

namespace {

int argmax(const std::vector<double>& values)
{
    return static_cast<int>(std::max_element(values.begin(), values.end()) - values.begin());
}

std::string share(double value)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", value * 100.0);
    return text;
}

} // namespace

ScanPrediction predictScan(Predictor& predictor, const Volume& canonical, const std::optional<SliceSelection>& requested)
{
    ScanPrediction result;
    result.classNames = predictor.classNames();
    const std::optional<SliceSelection> trained = modelSliceSelection(predictor.bundle().metadata);
    result.selectionFromModel = !requested && trained.has_value();
    result.selection = requested ? *requested : trained.value_or(SliceSelection{});
    result.warnings = canonical.source.warnings;
    if (!requested && !trained)
        result.warnings.push_back("the model file does not record which slices it was trained on: " + result.selection.describe() + " (the default) are used");
    else if (requested && trained && requested->plane != trained->plane)
        result.warnings.push_back(std::string("the model was trained on ") + slicePlaneName(trained->plane) + " slices, not " +
                                  slicePlaneName(requested->plane));
    if (!canonical.source.modality.empty() && canonical.source.modality != "MR")
        result.warnings.push_back("the modality is " + canonical.source.modality + ", not MR: the model was trained on MRI");

    const std::vector<int> indices = selectSlices(canonical, result.selection);
    if (indices.empty())
        throw NeuroDxError(ErrorKind::InvalidDataset, canonical.source.path, "no slice of the scan falls in " + result.selection.describe());
    const auto range = valueRange(canonical);
    SliceCache cache;
    for (const int index : indices) {
        cache.images.push_back(cachedSlice(volumeSlice(canonical, result.selection.plane, index, range), predictor.bundle().input));
        cache.labels.push_back(0);
    }
    const std::vector<Prediction> predictions = predictor.predictCache(cache);
    std::vector<std::vector<double>> rows;
    for (const Prediction& p : predictions) {
        rows.push_back(p.probabilities);
        result.unlikeTrainingSlices += p.unlikeTraining ? 1 : 0;
    }
    result.calibrated = predictor.isCalibrated();
    result.outlierChecked = predictor.hasFeatureDensity();

    result.probabilities.assign(result.classNames.size(), 0.0);
    for (std::size_t n = 0; n < indices.size(); ++n) {
        ScanSliceProbabilities slice;
        slice.index = indices[n];
        slice.positionMm = slicePositionMm(canonical, result.selection.plane, indices[n]);
        slice.probabilities = rows[n];
        slice.predicted = argmax(rows[n]);
        for (std::size_t c = 0; c < result.probabilities.size(); ++c)
            result.probabilities[c] += rows[n][c] / static_cast<double>(indices.size());
        result.slices.push_back(std::move(slice));
    }
    result.predicted = argmax(result.probabilities);
    result.confidence = result.probabilities[static_cast<std::size_t>(result.predicted)];
    result.agreement = static_cast<double>(std::count_if(result.slices.begin(), result.slices.end(),
                                                         [&](const ScanSliceProbabilities& s) { return s.predicted == result.predicted; })) /
                       static_cast<double>(result.slices.size());
    // The spread: the mean verdict probability over slices drawn again with replacement.
    SeededRandom random(SeededRandom::derive(42, 0x5CA4ull));
    std::vector<double> means;
    for (int r = 0; r < 1000; ++r) {
        double sum = 0;
        for (std::size_t n = 0; n < rows.size(); ++n)
            sum += rows[random.below(rows.size())][static_cast<std::size_t>(result.predicted)];
        means.push_back(sum / static_cast<double>(rows.size()));
    }
    const Interval spread = percentileInterval(means);
    result.confidenceLow = spread.low;
    result.confidenceHigh = spread.high;
    if (result.unlikeTrainingSlices * 2 > rows.size())
        result.warnings.insert(result.warnings.begin(), std::to_string(result.unlikeTrainingSlices) + " of " + std::to_string(rows.size()) +
                                                           " slices are " + kUnlikeTrainingWarning);
    else if (result.unlikeTrainingSlices > 0)
        result.warnings.push_back(std::to_string(result.unlikeTrainingSlices) + " of " + std::to_string(rows.size()) +
                                  " slices are unlike the slices this model was trained on");
    if (result.agreement < 0.5)
        result.warnings.push_back("the slices disagree: only " + share(result.agreement) + " of them vote " +
                                  result.classNames[static_cast<std::size_t>(result.predicted)]);
    return result;
}

nlohmann::json toJson(const ScanPrediction& p, bool withSlices)
{
    nlohmann::json probabilities = nlohmann::json::object();
    for (std::size_t c = 0; c < p.classNames.size(); ++c)
        probabilities[p.classNames[c]] = p.probabilities[c];
    nlohmann::json j = {{"class_names", p.classNames},
                        {"prediction", p.predicted >= 0 ? p.classNames[static_cast<std::size_t>(p.predicted)] : std::string()},
                        {"confidence", p.confidence},
                        {"probabilities", probabilities},
                        {"agreement", p.agreement},
                        {"confidence_interval", {p.confidenceLow, p.confidenceHigh}},
                        {"calibrated", p.calibrated},
                        {"unlike_training_slices", p.unlikeTrainingSlices},
                        {"slices_used", p.slices.size()},
                        {"slice_selection", p.selection.toJson()},
                        {"slice_selection_from_model", p.selectionFromModel},
                        {"warnings", p.warnings}};
    if (withSlices) {
        nlohmann::json rows = nlohmann::json::array();
        for (const ScanSliceProbabilities& s : p.slices) {
            nlohmann::json row = {{"index", s.index}, {"position_mm", s.positionMm},
                                  {"prediction", p.classNames[static_cast<std::size_t>(s.predicted)]}};
            for (std::size_t c = 0; c < p.classNames.size(); ++c)
                row["p_" + p.classNames[c]] = s.probabilities[c];
            rows.push_back(row);
        }
        j["slices"] = rows;
    }
    return j;
}

} // namespace neurodx
