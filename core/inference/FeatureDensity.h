#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <vector>

namespace neurodx {

// "Is this slice like the ones the model was trained on?" The Mahalanobis score of Lee et al.
// ("A Simple Unified Framework for Detecting Out-of-Distribution Samples", NeurIPS 2018) on the
// model's own features: the last convolutional block, globally average-pooled. Class means and one
// shared covariance come from the training slices; the covariance is shrunk towards a scaled
// identity by the Ledoit-Wolf formula, so it stays invertible with fewer slices than features.
// Wider feature vectors (ResNet50V2: 2048) are first projected on their 64 leading principal
// directions, which keeps the model file small (about 0.15 M numbers) and the estimate stable.
// The score is the squared distance to the nearest class mean; a slice is "unlike the training
// data" above the 99th percentile (interpolated) of the validation slices' scores (the threshold
// is stored, with how many slices set it and whether they were validation or training slices).
struct FeatureDensity {
    static constexpr std::size_t kMaxDimensions = 64;

    std::vector<double> center;               // mean training embedding (C values)
    std::vector<std::vector<double>> basis;   // k x C principal directions; empty: the identity (k = C)
    std::vector<std::vector<double>> classMeans; // per class, in the k-dimensional space
    std::vector<double> precision;            // k x k, row-major: the inverse of the shrunk covariance
    double shrinkage = 0;                     // Ledoit-Wolf's weight of the identity target
    double threshold = 0;                     // scores above this are flagged
    double percentile = 99;
    std::size_t trainingSlices = 0, thresholdSlices = 0;
    bool thresholdFromValidation = true;      // false when there was no validation part

    bool empty() const { return precision.empty(); }
    std::size_t featureCount() const { return center.size(); }
    // Throws NeuroDxError(InvalidArgument) when the embedding's length is not featureCount().
    double score(const std::vector<float>& embedding) const;
    bool isUnusual(double score) const { return !empty() && score > threshold; }

    nlohmann::json toJson() const;
    // Throws NeuroDxError(CorruptFile) when the block is inconsistent (sizes disagree).
    static FeatureDensity fromJson(const nlohmann::json& json);
};

// Fits the density on training embeddings and sets the threshold from `thresholdEmbeddings` (the
// validation slices; the training slices themselves when that is empty). Throws
// NeuroDxError(InvalidArgument) when there are no embeddings or lengths disagree.
FeatureDensity fitFeatureDensity(const std::vector<std::vector<float>>& embeddings, const std::vector<int>& labels, int classes,
                                 const std::vector<std::vector<float>>& thresholdEmbeddings, double percentile = 99);

} // namespace neurodx
