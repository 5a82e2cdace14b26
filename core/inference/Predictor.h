#pragma once

#include "inference/FeatureDensity.h"
#include "inference/ModelCalibration.h"
#include "inference/ModelFile.h"
#include "inference/Prediction.h"
#include "training/SliceCache.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {


// What a model computes for a batch of slices before any softmax: logits, and (when asked) the
// last convolutional block's features, globally average-pooled (the input of FeatureDensity).
struct ModelOutputs {
    std::vector<std::vector<double>> logits;
    std::vector<std::vector<float>> embeddings;
};
ModelOutputs predictOutputs(Classifier& model, const SliceCache& cache, int channels, int batchSize, bool bf16, bool withEmbeddings);

// A loaded model file ready to classify slices, preprocessing each exactly as training did
// (windowing, resize, 8-bit quantisation from the model's own metadata). Probabilities are
// calibrated with the file's temperature (setCalibrated(false): the raw softmax), and each slice is
// scored against the file's description of its training data, when the file has one.
class Predictor {
public:
    explicit Predictor(ModelBundle bundle, InferencePrecision precision = InferencePrecision::Auto);
    static Predictor fromFile(const std::filesystem::path& modelFile, InferencePrecision precision = InferencePrecision::Auto)
    {
        return Predictor(loadModelFile(modelFile), precision);
    }
    bool usesBf16() const { return m_bf16; }

    const ModelBundle& bundle() const { return m_bundle; }
    const std::vector<std::string>& classNames() const { return m_bundle.classNames; }
    const ModelCalibration& calibration() const { return m_calibration; }
    bool hasFeatureDensity() const { return !m_density.empty(); }
    const FeatureDensity& featureDensity() const { return m_density; }
    // true (the default): temperature-scaled probabilities where the file has a temperature.
    void setCalibrated(bool calibrated) { m_useCalibration = calibrated; }
    bool isCalibrated() const { return m_useCalibration && m_calibration.isCalibrated(); }
    // The temperature applied to the logits: the file's when calibrated, else 1.
    double temperature() const { return isCalibrated() ? m_calibration.temperature : 1.0; }

    Prediction predict(const Slice& slice);
    // Reads and predicts each file; unreadable files get Prediction::error instead of stopping the batch.
    std::vector<Prediction> predictFiles(const std::vector<std::filesystem::path>& files, int batchSize = 32);

    // Every slice of a cache, in cache order (calibrated as set, with its outlier score).
    std::vector<Prediction> predictCache(const SliceCache& cache, int batchSize = 32);

    // One slice's forward pass, kept for explaining it: the last block's features (a leaf that
    // requires grad) and the logits computed from them, in this predictor's precision; the
    // prediction (calibrated as set, with its outlier score) comes from exactly these logits, so a
    // Grad-CAM map from `logits` explains the very probabilities shown.
    struct ExplainablePass {
        Prediction prediction;
        torch::Tensor features;
        torch::Tensor logits;
        const char* precision = "float32"; // or "bfloat16"
    };
    ExplainablePass predictExplainable(const Slice& slice);

private:
    ModelBundle m_bundle;
    bool m_bf16 = false;
    ModelCalibration m_calibration;
    FeatureDensity m_density;
    bool m_useCalibration = true;
};

// Softmax probabilities (temperature 1) of `model` for every slice of `cache`.
// `bf16`: under bfloat16 autocast (only where the CPU has AVX512-BF16).
std::vector<std::vector<double>> predictProbabilities(Classifier& model, const SliceCache& cache, int channels, int batchSize = 32, bool bf16 = false);

} // namespace neurodx
