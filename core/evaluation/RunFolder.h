#pragma once

#include "evaluation/EvaluatedSlices.h"
#include "training/TrainingHistory.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// A training run folder read back: what the GUI shows when a past run is opened, and what runs
// are compared by.
struct RunRecord {
    std::filesystem::path folder;
    nlohmann::json config;               // config.json
    nlohmann::json metrics;              // metrics.json; null while the run has none (cancelled, no test part)
    std::vector<EpochRecord> history;    // history.csv; empty before the first epoch ends
    std::optional<EvaluatedSlices> test; // predictions.csv, with every figure recomputed from it

    std::string name() const { return folder.filename().string(); }
    std::string architecture() const;    // "tuned", "resnet50v2", ... or "" when unknown
    int worldSize() const;               // ranks of the data-parallel job that trained it (last session); 1 alone
    std::filesystem::path datasetRoot() const;
    int bestEpoch() const;               // by val_loss as the checkpoint chose it; -1 without validation
};

// Where runs, searches and audits go when no --output is given, for the CLI and the GUI alike:
// $NEURODX_RUNS_DIR when set, else userDataFolder()/runs, else ./runs (no home folder).
std::filesystem::path defaultRunsRoot();

// A new, empty folder root/<yyyyMMdd-HHmmss>-<kind> (local time; -2, -3 ... appended while the name
// is taken), with root created as needed. Created exclusively, so two runs started in the same
// second (two processes, or the CLI and the GUI) never share a folder. Throws NeuroDxError (Io)
// naming the folder when it cannot be created.
std::filesystem::path createRunFolder(const std::filesystem::path& root, const std::string& kind);

// A folder is a run when it has config.json and history.csv or best.pt.
bool isRunFolder(const std::filesystem::path& folder);

// Run folders directly inside `root` (and `root` itself when it is one), newest first.
std::vector<std::filesystem::path> findRunFolders(const std::filesystem::path& root);

// Throws NeuroDxError naming the file when config.json, history.csv or predictions.csv is damaged.
RunRecord readRunFolder(const std::filesystem::path& folder, int bootstrapResamples = 1000);

// The same without the test predictions (RunRecord::test stays empty): config, metrics and
// history only, fast enough to list hundreds of runs.
RunRecord readRunSummary(const std::filesystem::path& folder);

// predictions.csv (path,subject,true,predicted,confidence,p_<class>...) back into an evaluation:
// relative paths are resolved against `datasetRoot`. Throws NeuroDxError naming the file.
EvaluatedSlices readPredictionsCsv(const std::filesystem::path& file, const std::filesystem::path& datasetRoot, int bootstrapResamples = 1000);

} // namespace neurodx
