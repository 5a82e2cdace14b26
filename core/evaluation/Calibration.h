#pragma once

#include "evaluation/Metrics.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace neurodx {

// Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", 2017): one scalar T
// divides every logit before the softmax. It changes no prediction (the argmax stays), only how
// sure the probabilities are; T > 1 softens an over-confident network.
//
// The T minimising the mean negative log-likelihood of `labels` (golden-section search on log T in
// [0.05, 20]: the NLL is unimodal there). 1 when there is nothing to fit on. When every case is
// right the NLL falls without end as T shrinks: the search then ends at the bound, which
// isTemperatureAtBound() tells (callers keep T = 1: nothing was learnt about confidence).
bool isTemperatureAtBound(double temperature);
double fitTemperature(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels);
// Mean negative log-likelihood of the labels under softmax(logits / temperature).
double negativeLogLikelihood(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels, double temperature);
std::vector<double> softmax(const std::vector<double>& logits, double temperature = 1.0);
std::vector<std::vector<double>> softmaxRows(const std::vector<std::vector<double>>& logits, double temperature = 1.0);

// One bin of a reliability diagram: the slices whose top probability falls in (lower, upper].
struct ReliabilityBin {
    double lower = 0, upper = 0;
    std::size_t count = 0;
    double meanConfidence = 0; // of the slices in the bin (0 when empty)
    double accuracy = 0;       // fraction of them predicted right (0 when empty)
};

// How well probabilities match outcomes. ECE as Guo et al.: top-label confidence in equal-width
// bins, sum over bins of |accuracy - confidence| weighted by the bin's share. Brier score: the mean
// over cases of sum over classes of (p_c - [c == label])^2 (0 perfect, 2 worst).
struct CalibrationMetrics {
    double ece = 0;
    double brier = 0;
    std::size_t count = 0;
    std::vector<ReliabilityBin> bins;
    std::optional<Interval> eceCi, brierCi; // 95% percentile bootstrap
};

CalibrationMetrics calibrationMetrics(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int bins = 15);
// Adds seeded percentile-bootstrap intervals of ECE and Brier score.
void addCalibrationIntervals(CalibrationMetrics& metrics, const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                             int resamples = 1000, std::uint64_t seed = 42);

nlohmann::json toJson(const CalibrationMetrics& metrics);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
CalibrationMetrics calibrationMetricsFromJson(const nlohmann::json& json);

} // namespace neurodx
