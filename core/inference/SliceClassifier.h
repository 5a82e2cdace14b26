#pragma once

#include "inference/Prediction.h"
#include "inference/ScanPrediction.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;
struct Slice;

// Where the model looked: a Grad-CAM map (Selvaraju et al. 2017) on the last convolutional block,
// scaled to [0, 1] and resized to the slice's own width and height.
struct SaliencyMap {
    int width = 0;
    int height = 0;
    std::vector<float> values; // row-major
    int forClass = -1;

    bool isEmpty() const { return values.empty(); }
    float at(int x, int y) const { return values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
};

struct SlicePrediction {
    Prediction prediction;              // with its warnings (predictionWarnings)
    SaliencyMap saliency;               // empty unless asked for; explains `prediction`'s own pass
    std::string precision;              // of that pass: "float32" or "bfloat16"
};

// A model file loaded for the viewer: classifies one slice at a time with its Grad-CAM map, or a
// list of files. Preprocessing comes from the model file, exactly as in training. LibTorch stays
// behind this header, so the GUI can hold one. Calls are serialised (one at a time).
class SliceClassifier {
public:
    static constexpr int kPredictedClass = -1;

    // Throws NeuroDxError naming the file when it is not a usable NeuroDx model file.
    explicit SliceClassifier(const std::filesystem::path& modelFile, InferencePrecision precision = InferencePrecision::Auto);
    ~SliceClassifier();
    SliceClassifier(SliceClassifier&&) noexcept;
    SliceClassifier& operator=(SliceClassifier&&) noexcept;

    const std::filesystem::path& file() const;
    const std::vector<std::string>& classNames() const;
    std::string architecture() const;
    int inputSize() const;
    const nlohmann::json& metadata() const;
    // "tuned CNN, 128 px: validation accuracy 0.81, test accuracy 0.79 (slice level)", from the metadata.
    std::string summary() const;
    // Temperature-scaled probabilities (the default, where the file has a temperature) or the raw
    // softmax, from the next call on; safe from any thread, never waits for a running prediction.
    void setCalibrated(bool calibrated);
    bool isCalibrated() const;
    bool canCalibrate() const;       // the file has a temperature
    bool checksOutliers() const;     // the file describes its training data (FeatureDensity)
    // "calibrated on 48 validation slices (temperature 1.42)", "raw softmax (calibration off)" or
    // "not calibrated (raw softmax)".
    std::string calibrationText() const;
    std::string calibrationText(bool calibrated) const; // for a prediction made with or without

    // Reads `file` and classifies it. `saliencyClass`: a class index, kPredictedClass, or nothing
    // for no map. Confidence below `lowConfidence` adds a warning. Throws NeuroDxError naming the
    // file when it cannot be read.
    SlicePrediction classify(const std::filesystem::path& file, std::optional<int> frame = std::nullopt,
                             std::optional<int> saliencyClass = kPredictedClass, double lowConfidence = 0.6);

    // The same for a slice already decoded (a slice of a volume); `name` becomes Prediction::file.
    SlicePrediction classify(const Slice& slice, const std::string& name, std::optional<int> saliencyClass = kPredictedClass,
                             double lowConfidence = 0.6);

    // One verdict for a canonical volume: the model's own slice range, unless `selection` says
    // otherwise (see ScanPrediction.h).
    ScanPrediction classifyScan(const Volume& canonical, const std::optional<SliceSelection>& selection = std::nullopt);

    // Batch prediction of files (unreadable ones get Prediction::error); `progress(done, total)`.
    std::vector<Prediction> classifyFiles(const std::vector<std::filesystem::path>& files, const CancelToken* cancel = nullptr,
                                          const std::function<void(std::size_t done, std::size_t total)>& progress = {});

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace neurodx
