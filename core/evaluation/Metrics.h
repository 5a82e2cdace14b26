#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// Per-class results, one-vs-rest. Zero divisions are defined as in scikit-learn's
// zero_division=0: a class never predicted has precision 0; a class absent from the truth has
// recall 0; F1 is 0 when precision + recall is 0. AUC is undefined (nullopt) when a class is absent
// or is the only class present.
struct ClassMetrics {
    double precision = 0, recall = 0, specificity = 0, f1 = 0;
    std::size_t support = 0;
    std::optional<double> auc;
};

struct Interval {
    double low = 0, high = 0;
};

// The 2.5th and 97.5th percentiles of bootstrap replicates (nearest rank); {0, 0} when empty.
Interval percentileInterval(std::vector<double> values);

struct ClassificationMetrics {
    std::vector<std::vector<std::size_t>> confusion; // [true][predicted]
    std::vector<ClassMetrics> perClass;
    double accuracy = 0;
    double balancedAccuracy = 0; // mean recall over classes present in the truth
    double macroF1 = 0;
    double mcc = 0;              // multiclass Matthews correlation (Gorodkin 2004)
    std::optional<double> macroAuc; // mean of the defined one-vs-rest AUCs
    std::size_t count = 0;
    // 95% percentile-bootstrap intervals (empty when not computed).
    std::optional<Interval> accuracyCi, balancedAccuracyCi, macroF1Ci, mccCi, macroAucCi;
    std::vector<std::optional<Interval>> precisionCi, recallCi, f1Ci, aucCi;

    std::vector<std::vector<double>> normalisedConfusion() const; // rows sum to 1 (0 for empty rows)
};

// `probabilities[i]` has one entry per class; the prediction is its argmax (first on ties).
// Throws NeuroDxError(InvalidArgument) when sizes disagree or labels are out of range.
ClassificationMetrics classificationMetrics(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int classes);

// Calls `measure` on `resamples` bootstrap resamples of the cases (drawn with replacement by a
// SeededRandom started from `randomSeed`): the loop every bootstrap interval shares.
void forEachBootstrapSample(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int resamples,
                            std::uint64_t randomSeed,
                            const std::function<void(const std::vector<int>&, const std::vector<std::vector<double>>&)>& measure);

// Adds seeded percentile-bootstrap 95% intervals with `resamples` resamples of the cases.
void addBootstrapIntervals(ClassificationMetrics& metrics, const std::vector<int>& labels,
                           const std::vector<std::vector<double>>& probabilities, int classes, int resamples = 1000, std::uint64_t seed = 42);

// One-vs-rest ROC AUC for scores of the positive class (Mann-Whitney U, ties counted half).
std::optional<double> rocAuc(const std::vector<bool>& positive, const std::vector<double>& scores);
// ROC curve points (false positive rate, true positive rate), from (0,0) to (1,1).
std::vector<std::pair<double, double>> rocCurve(const std::vector<bool>& positive, const std::vector<double>& scores);

nlohmann::json toJson(const ClassificationMetrics& metrics, const std::vector<std::string>& classNames);
// confusion.csv: header "true\predicted,<classes...>", one row per true class.
std::string confusionCsv(const ClassificationMetrics& metrics, const std::vector<std::string>& classNames);

// Per-class figures with their 95% intervals, then the summary figures (value and interval in the
// first columns), as one table for spreadsheets.
std::string metricsCsv(const ClassificationMetrics& metrics, const std::vector<std::string>& classNames);

} // namespace neurodx
