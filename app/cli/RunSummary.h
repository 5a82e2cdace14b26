#pragma once

#include "evaluation/Evaluation.h"
#include "training/TrainingJob.h"

#include <nlohmann/json.hpp>

#include <string>

namespace neurodx::cli {

// What `train` and `demo` print at the end: the run folder, how training ended, and the test metrics.
std::string runSummaryText(const TrainingJobResult& result);
nlohmann::json runSummaryJson(const TrainingJobResult& result);
// The metrics table `evaluate` and the summaries print (slice and subject level, with 95% CIs).
std::string evaluationText(const EvaluationReport& report);
// ECE and Brier score at both levels, calibrated and raw where the probabilities were scaled.
std::string calibrationText(const EvaluationReport& report);

} // namespace neurodx::cli
