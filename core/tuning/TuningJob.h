#pragma once

#include "dataset/DatasetScanner.h"
#include "training/Trainer.h"
#include "tuning/Tuner.h"

#include <filesystem>
#include <optional>
#include <functional>
#include <string>

namespace neurodx {

// A search as the CLI and GUI start it: scan, split by subject once, decode once, then every trial
// trains on the same cached slices (so a search costs its training and little else). Writes the
// tuning folder (oracle.json, trial_<id>/, trials.csv, best_hyperparameters.json).
struct TuningJobConfig {
    std::filesystem::path dataset;
    std::filesystem::path folder;
    TuningConfig tuning;
    TrainingConfig training; // the base every trial starts from (epochs come from the schedule)
    ScanOptions scan;
    // Hold out the subjects of this split.json (e.g. the final training's) instead of splitting anew.
    // Without it a resumed search keeps the split.json its folder holds.
    std::optional<std::filesystem::path> splitFile;
    // Spread each round's trials over the ranks of this distributed job (Tuner::spreadOver); rank 0
    // splits and writes the search's summary files. Null: all trials here.
    DistributedGroup* group = nullptr;
};

struct TuningJobCallbacks {
    std::function<void(const std::string& stage)> onStage;
    std::function<void(const TrialRecord& trial)> onTrial;
    std::function<void(const TrainingEvent& event)> onEvent;
};

TuningResult runTuningJob(const TuningJobConfig& config, TrainingControl& control, const TuningJobCallbacks& callbacks = {});

// Sets the model's filters/units (architecture "cnn"), the learning rate and dropout from a trial.
void applyHyperparameters(TrainingConfig& config, const HyperparameterValues& values);
// The same as `neurodx-cli train` options: "--model cnn --filters1 16 --filters2 16 --units 320",
// then every setting of `base` (the search's) that shapes the model or its data where it differs
// from train's defaults: image size, channels, batch size, augmentation, class weights, split, seed,
// precision. So the printed command trains what the search measured.
std::string trainArguments(const HyperparameterValues& values, const TrainingConfig& base = {});
// What best_hyperparameters.json records beside the hyperparameters: the search's settings above.
nlohmann::json tunedSettingsJson(const TrainingConfig& base);
// Applies a best_hyperparameters.json's recorded settings (tunedSettingsJson) to `config`.
void applyTunedSettings(TrainingConfig& config, const nlohmann::json& settings);
// A readable table of trials: id, hyperparameters, epochs, score, status, seconds.
std::string trialsCsv(const std::vector<TrialRecord>& trials);

} // namespace neurodx
