#pragma once

#include "dataset/DatasetScanner.h"
#include "dataset/Split.h"
#include "evaluation/Evaluation.h"
#include "inference/ModelCalibration.h"
#include "training/Trainer.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace neurodx {

class DistributedGroup; // distributed/DistributedGroup.h

// A whole training run as the CLI and the GUI start it: scan, split, decode, train, evaluate the
// best model on the test part, and write the run folder:
//   config.json  split.json  history.csv  best.pt  last.pt  last_optimizer.pt
//   metrics.json  confusion.csv  predictions.csv  subjects.csv (each subject's verdict and spread)
struct TrainingJobConfig {
    std::filesystem::path dataset;
    std::filesystem::path runFolder;
    TrainingConfig training;
    ScanOptions scan;
    std::optional<std::filesystem::path> splitFile; // reuse a split.json instead of splitting anew
    // The dataset as the caller already holds it (the GUI's open dataset and the split it shows):
    // trained as it is, without scanning `dataset` again, so that a folder changed since cannot make
    // the split trained differ from the split shown. Both or neither; not used when resuming.
    std::shared_ptr<const DatasetIndex> index;
    std::shared_ptr<const DatasetSplit> split;
    std::filesystem::path initialWeights;
    bool resume = false; // continue runFolder; its config.json and split.json win over the above
    int bootstrapResamples = 1000;
    // Train as one rank of this data-parallel job (null: alone). Every rank runs the same job with
    // the same dataset path; rank 0 splits, writes the run folder and evaluates, the others only
    // train (their result has no test report). `training.batchSize` is each rank's share.
    DistributedGroup* group = nullptr;
};

struct TrainingJobResult {
    TrainingResult training;
    EvaluationReport test;
    bool tested = false; // false when the split has no test part or training was cancelled
    std::vector<SkippedFile> decodeProblems;
    std::filesystem::path runFolder;
};

// Stages ("scanning", "splitting", "decoding 1234 slices", "evaluating") and training events.
struct TrainingJobCallbacks {
    std::function<void(const std::string& stage)> onStage;
    std::function<void(const TrainingEvent&)> onEvent;
    // The split about to be trained on, before its slices are decoded.
    std::function<void(const DatasetIndex&, const DatasetSplit&)> onSplit;
};

// Throws NeuroDxError naming the file or setting that makes the run impossible.
TrainingJobResult runTrainingJob(const TrainingJobConfig& config, TrainingControl& control, const TrainingJobCallbacks& callbacks = {});

// The same on an index and split the caller made (cross-validation folds, the leakage audit's
// relabelled data). `job.dataset`, `scan`, `splitFile` and `resume` are not used.
TrainingJobResult runTrainingOnSplit(const DatasetIndex& index, const DatasetSplit& split, const TrainingJobConfig& job, TrainingControl& control,
                                     const TrainingJobCallbacks& callbacks = {});

// After training: fits the temperature of `modelFile` on the validation slices (temperature
// scaling) and describes the training slices' features (FeatureDensity, thresholded on the
// validation slices), and writes both into the file's metadata. Returns the calibration (not
// calibrated when `validation` is empty). Throws NeuroDxError like loadModelFile/saveModelFile.
ModelCalibration calibrateModelFile(const std::filesystem::path& modelFile, const SliceCache& train, const SliceCache& validation, int batchSize);

// A stable fingerprint of a scanned dataset (paths and labels), recorded in every model file.
std::string datasetFingerprint(const DatasetIndex& index);

// A run folder's config.json as resume reads it: its "training" section, validated. Throws
// NeuroDxError(CorruptFile) naming the file and saying what to do when it is damaged.
TrainingConfig readSavedTrainingConfig(const std::filesystem::path& configFile);

} // namespace neurodx
