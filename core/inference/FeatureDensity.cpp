#include "FeatureDensity.h"

#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurodx {

namespace {

torch::Tensor toTensor(const std::vector<std::vector<float>>& rows, std::size_t width)
{
    torch::Tensor t = torch::empty({static_cast<int64_t>(rows.size()), static_cast<int64_t>(width)}, torch::kFloat64);
    auto a = t.accessor<double, 2>();
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].size() != width)
            throw NeuroDxError(ErrorKind::InvalidArgument, "feature density: embeddings differ in length");
        for (std::size_t j = 0; j < width; ++j)
            a[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = rows[i][j];
    }
    return t;
}

std::vector<double> toVector(const torch::Tensor& t)
{
    const torch::Tensor c = t.contiguous().to(torch::kFloat64);
    return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Linear interpolation between the closest ranks (numpy's default), so the 99th percentile of 60
// scores is not simply their maximum.
double percentileOf(std::vector<double> values, double percentile)
{
    std::sort(values.begin(), values.end());
    const double rank = percentile / 100.0 * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(rank));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (rank - static_cast<double>(below)) * (values[above] - values[below]);
}

} // namespace

FeatureDensity fitFeatureDensity(const std::vector<std::vector<float>>& embeddings, const std::vector<int>& labels, int classes,
                                 const std::vector<std::vector<float>>& thresholdEmbeddings, double percentile)
{
    if (embeddings.empty() || embeddings.size() != labels.size() || embeddings.front().empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "feature density: no training embeddings, or labels differ in number");
    torch::NoGradGuard noGrad;
    const std::size_t width = embeddings.front().size();
    const torch::Tensor x = toTensor(embeddings, width);
    FeatureDensity density;
    density.percentile = percentile;
    density.trainingSlices = embeddings.size();
    const torch::Tensor center = x.mean(0);
    density.center = toVector(center);
    torch::Tensor projected = x - center;
    torch::Tensor basis;
    if (width > FeatureDensity::kMaxDimensions) {
        const torch::Tensor covariance = projected.t().matmul(projected) / static_cast<double>(x.size(0));
        const auto [values, vectors] = torch::linalg::eigh(covariance, "L"); // ascending eigenvalues
        basis = vectors.narrow(1, static_cast<int64_t>(width - FeatureDensity::kMaxDimensions), FeatureDensity::kMaxDimensions).flip({1}).t().contiguous();
        projected = projected.matmul(basis.t());
        for (int64_t r = 0; r < basis.size(0); ++r)
            density.basis.push_back(toVector(basis[r]));
    }
    const int64_t k = projected.size(1);
    const torch::Tensor labelTensor = torch::tensor(std::vector<int64_t>(labels.begin(), labels.end()), torch::kInt64);
    torch::Tensor means = torch::zeros({classes, k}, torch::kFloat64);
    torch::Tensor residuals = projected.clone();
    for (int c = 0; c < classes; ++c) {
        const torch::Tensor mask = labelTensor == c;
        if (mask.sum().item<int64_t>() == 0)
            continue; // a class absent from training: no mean, never the nearest
        const torch::Tensor mean = projected.index({mask}).mean(0);
        means[c] = mean;
        residuals.index_put_({mask}, projected.index({mask}) - mean);
        density.classMeans.push_back(toVector(mean));
    }
    // Ledoit-Wolf (2004) shrinkage of the shared within-class covariance towards mu * I.
    const double n = static_cast<double>(residuals.size(0));
    const torch::Tensor sample = residuals.t().matmul(residuals) / n;
    const double traceMean = sample.trace().item<double>() / static_cast<double>(k);
    const torch::Tensor identity = torch::eye(k, torch::kFloat64);
    if (!(traceMean > 1e-12)) {
        // No spread within classes at all (one slice per class, or features that never vary):
        // the identity, so distances stay finite and comparable.
        density.shrinkage = 1.0;
        density.precision = toVector(identity);
    } else {
        const double mu = traceMean;
        const double d2 = (sample - mu * identity).pow(2).sum().item<double>();
        const torch::Tensor norms = residuals.pow(2).sum(1);
        const double b2bar =
            ((norms.pow(2)).sum() - 2 * (residuals.matmul(sample) * residuals).sum() + n * sample.pow(2).sum()).item<double>() / (n * n);
        density.shrinkage = d2 > 0 ? std::clamp(b2bar / d2, 0.0, 1.0) : 1.0;
        const torch::Tensor shrunk = (1 - density.shrinkage) * sample + density.shrinkage * mu * identity;
        density.precision = toVector(torch::linalg::inv(shrunk));
    }

    const std::vector<std::vector<float>>& reference = thresholdEmbeddings.empty() ? embeddings : thresholdEmbeddings;
    density.thresholdFromValidation = !thresholdEmbeddings.empty();
    density.thresholdSlices = reference.size();
    std::vector<double> scores;
    scores.reserve(reference.size());
    for (const auto& e : reference)
        scores.push_back(density.score(e));
    density.threshold = percentileOf(scores, percentile);
    return density;
}

double FeatureDensity::score(const std::vector<float>& embedding) const
{
    if (embedding.size() != center.size())
        throw NeuroDxError(ErrorKind::InvalidArgument, "feature density: the embedding has " + std::to_string(embedding.size()) +
                                                           " values, the model file's description " + std::to_string(center.size()));
    const std::size_t k = classMeans.empty() ? 0 : classMeans.front().size();
    std::vector<double> point(k, 0.0);
    if (basis.empty()) {
        for (std::size_t j = 0; j < k; ++j)
            point[j] = embedding[j] - center[j];
    } else {
        for (std::size_t r = 0; r < k; ++r) {
            double sum = 0;
            for (std::size_t j = 0; j < center.size(); ++j)
                sum += basis[r][j] * (embedding[j] - center[j]);
            point[r] = sum;
        }
    }
    double best = std::numeric_limits<double>::infinity();
    std::vector<double> d(k), pd(k);
    for (const auto& mean : classMeans) {
        for (std::size_t j = 0; j < k; ++j)
            d[j] = point[j] - mean[j];
        double distance = 0;
        for (std::size_t r = 0; r < k; ++r) {
            double row = 0;
            for (std::size_t j = 0; j < k; ++j)
                row += precision[r * k + j] * d[j];
            distance += d[r] * row;
        }
        best = std::min(best, distance);
    }
    return best;
}

nlohmann::json FeatureDensity::toJson() const
{
    return {{"method", "mahalanobis, shared Ledoit-Wolf covariance, pooled last-block features"},
            {"center", center},
            {"basis", basis},
            {"class_means", classMeans},
            {"precision", precision},
            {"shrinkage", shrinkage},
            {"threshold", threshold},
            {"percentile", percentile},
            {"training_slices", trainingSlices},
            {"threshold_slices", thresholdSlices},
            {"threshold_from", thresholdFromValidation ? "validation" : "training"}};
}

FeatureDensity FeatureDensity::fromJson(const nlohmann::json& json)
{
    FeatureDensity d;
    try {
        d.center = json.at("center").get<std::vector<double>>();
        d.basis = json.at("basis").get<std::vector<std::vector<double>>>();
        d.classMeans = json.at("class_means").get<std::vector<std::vector<double>>>();
        d.precision = json.at("precision").get<std::vector<double>>();
        d.shrinkage = json.value("shrinkage", 0.0);
        d.threshold = json.at("threshold").get<double>();
        d.percentile = json.value("percentile", 99.0);
        d.trainingSlices = json.value("training_slices", std::size_t{0});
        d.thresholdSlices = json.value("threshold_slices", std::size_t{0});
        d.thresholdFromValidation = json.value("threshold_from", std::string("validation")) == "validation";
    } catch (const nlohmann::json::exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, std::string("the model file's feature description is damaged: ") + e.what());
    }
    const std::size_t k = d.basis.empty() ? d.center.size() : d.basis.size();
    bool consistent = !d.classMeans.empty() && d.precision.size() == k * k;
    for (const auto& row : d.basis)
        consistent = consistent && row.size() == d.center.size();
    for (const auto& mean : d.classMeans)
        consistent = consistent && mean.size() == k;
    if (!consistent)
        throw NeuroDxError(ErrorKind::CorruptFile, "the model file's feature description is damaged: its sizes disagree");
    return d;
}

} // namespace neurodx
