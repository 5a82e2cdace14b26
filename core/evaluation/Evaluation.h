#pragma once

#include "dataset/DatasetIndex.h"
#include "evaluation/Metrics.h"
#include "training/SliceCache.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace neurodx {

// A model's results on one part of a dataset, per slice and per subject (the mean of a subject's
// slice probabilities, labelled with the subject's most frequent class).
struct EvaluationReport {
    std::vector<std::string> classNames;
    double loss = 0; // mean cross-entropy over slices
    ClassificationMetrics slices;
    ClassificationMetrics subjects;
    std::vector<int> labels;                       // per cached slice
    std::vector<std::vector<double>> probabilities; // per cached slice
};

EvaluationReport evaluationReport(const DatasetIndex& index, const SliceCache& cache, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& classNames, int bootstrapResamples = 1000, std::uint64_t seed = 42);

// The same from plain data: `groupKeys[i]` names the subject (or file) of slice i, for the
// subject-level figures. Used to recompute a report from a run's predictions.csv.
EvaluationReport evaluationReport(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& groupKeys, const std::vector<std::string>& classNames,
                                  int bootstrapResamples = 1000, std::uint64_t seed = 42);

nlohmann::json toJson(const EvaluationReport& report);
// predictions.csv of a run: path,subject,true,predicted,confidence,p_<class>...
std::string evaluationPredictionsCsv(const DatasetIndex& index, const SliceCache& cache, const EvaluationReport& report);

} // namespace neurodx
