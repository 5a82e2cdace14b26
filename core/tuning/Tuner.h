#pragma once

#include "training/TrainingControl.h"
#include "training/TrainingHistory.h"
#include "tuning/HyperbandSchedule.h"
#include "tuning/SearchSpace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class DistributedGroup; // distributed/DistributedGroup.h

struct TuningConfig {
    enum class Strategy { Hyperband, Random };
    Strategy strategy = Strategy::Hyperband;
    int maxEpochs = 10;      // Hyperband's max_epochs; every random-search trial's epochs
    int factor = 3;
    int iterations = 1;      // hyperband_iterations
    int maxTrials = 10;      // random search
    MonitoredMetric objective = MonitoredMetric::ValAccuracy; // losses are minimised, accuracies maximised
    SearchSpace space = SearchSpace::seedDefault();
    std::uint64_t seed = 42;

    nlohmann::json toJson() const;
};

// Where a trial stands. trial.json and trials.csv spell it as keras-tuner does (trialStatusName).
enum class TrialStatus { Pending, Completed, Failed, Cancelled };
std::string trialStatusName(TrialStatus status); // "PENDING", "COMPLETED", "FAILED", "CANCELLED"
// keras-tuner's word back; std::invalid_argument for any other word.
TrialStatus trialStatusFromName(const std::string& name);

// One trial, as keras-tuner's trial.json holds it.
struct TrialRecord {
    std::string id;                    // "0000", "0001", ... in schedule order
    HyperparameterValues hyperparameters;
    int bracket = 0, round = 0;        // Hyperband position (random search: 0, 0)
    int initialEpoch = 0;              // > 0 for promoted trials: they continue their parent
    int epochs = 0;
    std::string parent;                // the promoted trial's parent id
    TrialStatus status = TrialStatus::Pending;
    std::vector<EpochRecord> history;  // this trial's epochs only (initialEpoch..epochs-1)
    double score = 0;                  // best objective value over this trial's epochs
    double seconds = 0;
    std::string error;

    nlohmann::json toJson() const;
    static TrialRecord fromJson(const nlohmann::json& json);
};

// Trains one trial into `trialFolder`; a promoted trial continues from `parentFolder`'s last state.
// Returns the trial's epochs. Throws NeuroDxError when training is impossible.
using TrialRunner = std::function<std::vector<EpochRecord>(const TrialRecord& trial, const std::filesystem::path& trialFolder,
                                                           const std::filesystem::path& parentFolder, TrainingControl& control)>;

struct TuningResult {
    std::vector<TrialRecord> trials; // schedule order
    int bestTrial = -1;              // index into trials
    bool cancelled = false;
    double trainingSeconds = 0;      // spent inside trials
    double totalSeconds = 0;         // the whole search this session (runTuningJob: with scan and decoding)
};

// keras-tuner's Hyperband (or random search) over a search space, run trial by trial. The folder
// holds oracle.json and trial_<id>/trial.json; running again with the same settings skips every
// completed trial, so a stopped search resumes where it stopped. Same seed, same trials.
class Tuner {
public:
    using TrialSink = std::function<void(const TrialRecord& trial)>; // after each trial ends
    Tuner(TuningConfig config, std::filesystem::path folder, TrialRunner runner, TrialSink onTrial = {});

    // Spreads every round's trials over the ranks of a distributed job: rank r runs trials r, r +
    // world size, ... of each round (the rounds of a bracket depend on each other; the trials of a
    // round do not), and every rank learns every result before the next round, so all ranks plan
    // the same next round. Each rank writes the trial folders it runs; rank 0 writes oracle.json.
    // Promoted trials read their parent's folder, which may be another rank's: across machines the
    // tuning folder must be on storage they share.
    void spreadOver(DistributedGroup* group) { m_group = group; }

    TuningResult run(TrainingControl& control);

private:
    std::vector<TrialRecord> runRound(std::vector<TrialRecord> planned, TrainingControl& control, TuningResult& result);
    void finishTrial(const TrialRecord& trial, TuningResult& result);
    // In a job only the stop every rank learnt of counts: a rank-local one would end one rank's
    // search while the others plan the next round.
    bool stopping(const TrainingControl& control) const { return m_group ? m_stopped : control.isCancelled(); }
    TrialRecord runOrReuse(TrialRecord trial, TrainingControl& control, TuningResult& result);
    std::vector<TrialRecord> newTrials(int count, int epochs, int bracket, std::vector<HyperparameterValues>& used, int& nextId);

    TuningConfig m_config;
    std::filesystem::path m_folder;
    TrialRunner m_runner;
    TrialSink m_onTrial;
    DistributedGroup* m_group = nullptr;
    bool m_stopped = false; // another rank was stopped: this one stops at the same round
};

// The trial whose score is best for the objective's direction; -1 when none completed.
int bestTrialIndex(const std::vector<TrialRecord>& trials, MonitoredMetric objective);

} // namespace neurodx
