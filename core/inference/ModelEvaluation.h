#pragma once

#include "dataset/DatasetScanner.h"
#include "evaluation/EvaluatedSlices.h"
#include "inference/Prediction.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// "Evaluate this model on that data": what `neurodx-cli evaluate` and the GUI's evaluation page do.
struct ModelEvaluationRequest {
    std::filesystem::path modelFile;
    // A dataset folder, or a run folder (its config.json names the dataset, its split.json the parts).
    std::filesystem::path target;
    std::optional<std::filesystem::path> splitFile; // for a dataset folder
    std::string part;                 // train, validation, test or all; empty: test for a split, else all
    ScanOptions scan;
    bool classesFromModel = true;     // scan for the model's class names instead of scan.classes
    int bootstrapResamples = 1000;
    int threads = 0;                  // decoding workers; 0 = all cores
    InferencePrecision precision = InferencePrecision::Auto;
    bool calibrated = true;           // false: the raw softmax even when the model file has a temperature
};

struct ModelEvaluationResult {
    EvaluatedSlices slices;
    std::filesystem::path datasetRoot;
    std::vector<SkippedFile> decodeProblems;
};

// Throws NeuroDxError naming the file when the model, the run or the part cannot be used, and
// ErrorKind::Cancelled when `cancel` is set.
ModelEvaluationResult evaluateModel(const ModelEvaluationRequest& request, const CancelToken* cancel = nullptr,
                                    const std::function<void(const std::string& stage)>& onStage = {});

} // namespace neurodx
