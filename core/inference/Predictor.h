#pragma once

#include "inference/ModelFile.h"
#include "inference/Prediction.h"
#include "training/SliceCache.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {


// A loaded model file ready to classify slices, preprocessing each exactly as training did
// (windowing, resize, 8-bit quantisation from the model's own metadata).
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

    Prediction predict(const Slice& slice);
    // Reads and predicts each file; unreadable files get Prediction::error instead of stopping the batch.
    std::vector<Prediction> predictFiles(const std::vector<std::filesystem::path>& files, int batchSize = 32);
    // Softmax probabilities for every slice of a cache, in cache order.
    std::vector<std::vector<double>> predictCache(const SliceCache& cache, int batchSize = 32);

private:
    std::vector<std::vector<double>> predictBatch(const std::vector<cv::Mat>& cachedSlices);
    ModelBundle m_bundle;
    bool m_bf16 = false;
};

// Softmax probabilities of `model` for every slice of `cache`.
// `bf16`: under bfloat16 autocast (only where the CPU has AVX512-BF16).
std::vector<std::vector<double>> predictProbabilities(Classifier& model, const SliceCache& cache, int channels, int batchSize = 32, bool bf16 = false);

} // namespace neurodx
