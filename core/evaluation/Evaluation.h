#pragma once

#include "dataset/DatasetIndex.h"
#include "evaluation/Calibration.h"
#include "evaluation/Metrics.h"
#include "training/SliceCache.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
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
    // How well `probabilities` match outcomes (ECE, Brier score, reliability bins).
    CalibrationMetrics sliceCalibration, subjectCalibration;
    // Set by addRawCalibration when `probabilities` are temperature-scaled: the temperature, how
    // many validation slices it was fitted on, and the same figures for the raw softmax.
    double temperature = 1.0;
    std::size_t calibrationSlices = 0;
    std::optional<CalibrationMetrics> rawSliceCalibration, rawSubjectCalibration;
    std::vector<int> labels;                       // per cached slice
    std::vector<std::vector<double>> probabilities; // per cached slice
    std::vector<std::string> groupKeys;            // per cached slice: its subject (or file)
};

EvaluationReport evaluationReport(const DatasetIndex& index, const SliceCache& cache, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& classNames, int bootstrapResamples = 1000, std::uint64_t seed = 42);

// The same from plain data: `groupKeys[i]` names the subject (or file) of slice i, for the
// subject-level figures. Used to recompute a report from a run's predictions.csv.
EvaluationReport evaluationReport(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& groupKeys, const std::vector<std::string>& classNames,
                                  int bootstrapResamples = 1000, std::uint64_t seed = 42);

// What a reader of the figures must know before trusting them, in sentences: a test part of fewer
// than kFewSubjectsPerClass subjects in some class (the figures rest on a handful of people), and a
// model that predicts one class for every slice. Empty when neither applies.
constexpr std::size_t kFewSubjectsPerClass = 10;
std::vector<std::string> evaluationWarnings(const EvaluationReport& report);

// Records that `report`'s probabilities were scaled with `temperature` (fitted on `fitSlices`
// validation slices) and adds the calibration figures of `rawProbabilities` (the same slices'
// unscaled softmax) for comparison.
void addRawCalibration(EvaluationReport& report, const std::vector<std::vector<double>>& rawProbabilities, double temperature,
                       std::size_t fitSlices, int bootstrapResamples = 1000, std::uint64_t seed = 42);

// Subject-level cases: each group's mean probability, labelled with its most frequent class.
struct GroupedCases {
    std::vector<int> labels;
    std::vector<std::vector<double>> probabilities;
};
GroupedCases groupedBySubject(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                              const std::vector<std::string>& groupKeys, std::size_t classes);

// One subject's verdict with its spread: the mean of its slices' probabilities, the share of its
// slices whose own top class is the verdict, and a 95% bootstrap interval (slices resampled) of the
// verdict's mean probability.
struct SubjectVerdict {
    std::string subject;
    int label = -1, predicted = -1;
    std::vector<double> probabilities;
    std::size_t slices = 0;
    double agreement = 0;
    Interval confidence;
};
std::vector<SubjectVerdict> subjectVerdicts(const EvaluationReport& report, int bootstrapResamples = 1000, std::uint64_t seed = 42);
// subjects.csv: subject,true,predicted,confidence,confidence_low,confidence_high,agreement,slices,p_<class>...
std::string subjectsCsv(const std::vector<SubjectVerdict>& verdicts, const std::vector<std::string>& classNames);

nlohmann::json toJson(const EvaluationReport& report);
// predictions.csv of a run: path,subject,true,predicted,confidence,p_<class>...
std::string evaluationPredictionsCsv(const DatasetIndex& index, const SliceCache& cache, const EvaluationReport& report);

} // namespace neurodx
