#include "Tuner.h"

#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "distributed/DistributedGroup.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

using Clock = std::chrono::steady_clock;

std::string trialId(int number)
{
    char text[16];
    std::snprintf(text, sizeof text, "%04d", number);
    return text;
}

double scoreOf(const std::vector<EpochRecord>& history, MonitoredMetric objective)
{
    double best = worstValue(objective);
    for (const EpochRecord& r : history) {
        if (improves(objective, r.value(objective), best))
            best = r.value(objective);
    }
    return best;
}

} // namespace

nlohmann::json TuningConfig::toJson() const
{
    return {{"strategy", strategy == Strategy::Hyperband ? "hyperband" : "random"},
            {"max_epochs", maxEpochs},
            {"factor", factor},
            {"hyperband_iterations", iterations},
            {"max_trials", maxTrials},
            {"objective", metricName(objective)},
            {"search_space", space.toJson()},
            {"seed", seed}};
}

std::string trialStatusName(TrialStatus status)
{
    switch (status) {
    case TrialStatus::Pending:
        return "PENDING";
    case TrialStatus::Completed:
        return "COMPLETED";
    case TrialStatus::Failed:
        return "FAILED";
    case TrialStatus::Cancelled:
        return "CANCELLED";
    }
    return "PENDING";
}

TrialStatus trialStatusFromName(const std::string& name)
{
    for (const TrialStatus status : {TrialStatus::Pending, TrialStatus::Completed, TrialStatus::Failed, TrialStatus::Cancelled})
        if (trialStatusName(status) == name)
            return status;
    throw std::invalid_argument("'" + name + "' is not a trial status (PENDING, COMPLETED, FAILED, CANCELLED)");
}

nlohmann::json TrialRecord::toJson() const
{
    nlohmann::json epochsJson = nlohmann::json::array();
    for (const EpochRecord& r : history)
        epochsJson.push_back({{"epoch", r.epoch}, {"loss", r.loss}, {"acc", r.accuracy}, {"val_loss", r.valLoss}, {"val_acc", r.valAccuracy}, {"seconds", r.seconds}});
    return {{"trial_id", id},       {"hyperparameters", hyperparameters}, {"bracket", bracket}, {"round", round},
            {"initial_epoch", initialEpoch}, {"epochs", epochs},          {"parent", parent},   {"status", trialStatusName(status)},
            {"metrics", epochsJson}, {"score", score}, {"seconds", seconds}, {"error", error}};
}

TrialRecord TrialRecord::fromJson(const nlohmann::json& j)
{
    TrialRecord t;
    t.id = j.at("trial_id").get<std::string>();
    t.hyperparameters = j.at("hyperparameters");
    t.bracket = j.at("bracket").get<int>();
    t.round = j.at("round").get<int>();
    t.initialEpoch = j.at("initial_epoch").get<int>();
    t.epochs = j.at("epochs").get<int>();
    t.parent = j.at("parent").get<std::string>();
    t.status = trialStatusFromName(j.at("status").get<std::string>());
    for (const auto& e : j.at("metrics")) {
        EpochRecord r;
        r.epoch = e.at("epoch").get<int>();
        r.loss = e.at("loss").get<double>();
        r.accuracy = e.at("acc").get<double>();
        r.valLoss = e.at("val_loss").is_number() ? e.at("val_loss").get<double>() : std::nan("");
        r.valAccuracy = e.at("val_acc").is_number() ? e.at("val_acc").get<double>() : std::nan("");
        r.seconds = e.value("seconds", 0.0);
        t.history.push_back(r);
    }
    t.score = j.at("score").is_number() ? j.at("score").get<double>() : std::nan("");
    t.seconds = j.value("seconds", 0.0);
    t.error = j.value("error", "");
    return t;
}

int bestTrialIndex(const std::vector<TrialRecord>& trials, MonitoredMetric objective)
{
    int best = -1;
    for (std::size_t i = 0; i < trials.size(); ++i) {
        if (trials[i].status == TrialStatus::Completed && (best < 0 || improves(objective, trials[i].score, trials[static_cast<std::size_t>(best)].score)))
            best = static_cast<int>(i);
    }
    return best;
}

Tuner::Tuner(TuningConfig config, fs::path folder, TrialRunner runner, TrialSink onTrial)
    : m_config(std::move(config)), m_folder(std::move(folder)), m_runner(std::move(runner)), m_onTrial(std::move(onTrial))
{
    const auto bad = [](const std::string& what) { throw NeuroDxError(ErrorKind::InvalidArgument, what); };
    if (m_config.maxEpochs < 1)
        bad("max epochs must be at least 1");
    if (m_config.factor < 2)
        bad("the Hyperband factor must be at least 2");
    if (m_config.iterations < 1 || m_config.maxTrials < 1)
        bad("iterations and trials must be at least 1");
    if (m_config.space.parameters().empty())
        bad("the search space is empty");
}

std::vector<TrialRecord> Tuner::newTrials(int count, int epochs, int bracket, std::vector<HyperparameterValues>& used, int& nextId)
{
    std::vector<TrialRecord> trials;
    const double combinations = m_config.space.combinations();
    for (int i = 0; i < count; ++i) {
        TrialRecord t;
        t.id = trialId(nextId++);
        // Like keras-tuner, draw again (up to 100 times) rather than repeat a tried combination.
        SeededRandom random(SeededRandom::derive(m_config.seed, 0x7E1A1ull + static_cast<std::uint64_t>(nextId)));
        for (int attempt = 0; attempt < 100; ++attempt) {
            t.hyperparameters = m_config.space.sample(random);
            if (combinations > 0 && used.size() >= combinations)
                break;
            if (std::find(used.begin(), used.end(), t.hyperparameters) == used.end())
                break;
        }
        used.push_back(t.hyperparameters);
        t.bracket = bracket;
        t.epochs = epochs;
        trials.push_back(std::move(t));
    }
    return trials;
}

TrialRecord Tuner::runOrReuse(TrialRecord trial, TrainingControl& control, TuningResult& result)
{
    const fs::path trialFolder = m_folder / ("trial_" + trial.id);
    const fs::path trialFile = trialFolder / "trial.json";
    if (fs::exists(trialFile)) {
        try {
            const TrialRecord saved = TrialRecord::fromJson(readJsonFile(trialFile));
            if (saved.status == TrialStatus::Completed && saved.hyperparameters == trial.hyperparameters && saved.epochs == trial.epochs &&
                saved.initialEpoch == trial.initialEpoch)
                return saved; // resumed search: never repeat a finished trial
        } catch (const std::exception&) {
            // a damaged trial file: run the trial again
        }
    }
    const fs::path parentFolder = trial.parent.empty() ? fs::path() : m_folder / ("trial_" + trial.parent);
    fs::create_directories(trialFolder);
    const auto start = Clock::now();
    try {
        trial.history = m_runner(trial, trialFolder, parentFolder, control);
        trial.status = control.isCancelled() ? TrialStatus::Cancelled : TrialStatus::Completed;
    } catch (const NeuroDxError& e) {
        if (e.kind() == ErrorKind::Cancelled)
            trial.status = TrialStatus::Cancelled;
        else {
            trial.status = TrialStatus::Failed;
            trial.error = e.what();
        }
    }
    trial.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.trainingSeconds += trial.seconds;
    trial.score = scoreOf(trial.history, m_config.objective);
    if (trial.status == TrialStatus::Completed && trial.history.empty())
        trial.status = TrialStatus::Failed;
    if (trial.status != TrialStatus::Cancelled)
        writeJsonFile(trialFile, trial.toJson(), 2);
    return trial;
}

void Tuner::finishTrial(const TrialRecord& trial, TuningResult& result)
{
    result.trials.push_back(trial);
    if (m_onTrial)
        m_onTrial(trial);
    if (!m_group)
        writeJsonFile(m_folder / "oracle.json", nlohmann::json{{"config", m_config.toJson()}, {"trials_done", result.trials.size()}}, 2);
}

std::vector<TrialRecord> Tuner::runRound(std::vector<TrialRecord> planned, TrainingControl& control, TuningResult& result)
{
    std::vector<TrialRecord> done;
    if (!m_group) {
        for (TrialRecord& trial : planned) {
            if (control.isCancelled())
                break;
            done.push_back(runOrReuse(std::move(trial), control, result));
            finishTrial(done.back(), result);
        }
        return done;
    }
    nlohmann::json mine = nlohmann::json::array();
    std::string problem;
    TuningResult local; // this rank's training time; the round's total is summed from the records below
    for (std::size_t i = static_cast<std::size_t>(m_group->rank()); i < planned.size(); i += static_cast<std::size_t>(m_group->worldSize())) {
        if (control.isCancelled())
            break;
        try { // reported to every rank below, so that none waits for this one
            mine.push_back({{"index", i}, {"trial", runOrReuse(planned[i], control, local).toJson()}});
        } catch (const std::exception& e) {
            problem = "trial " + planned[i].id + ": " + e.what();
            break;
        }
    }
    m_group->requireAll("running the trials", problem); // meets first, however long the slowest rank's trials take
    std::map<std::size_t, TrialRecord> byIndex;
    double slowestRank = 0; // the ranks train at once: the round took its slowest rank's training time
    const nlohmann::json report = {{"cancelled", control.isCancelled()}, {"trials", mine}, {"seconds", local.trainingSeconds}};
    for (const std::string& text : m_group->allGatherText(report.dump(), "collecting the trials")) {
        const nlohmann::json theirs = nlohmann::json::parse(text);
        m_stopped = m_stopped || theirs.at("cancelled").get<bool>();
        slowestRank = std::max(slowestRank, theirs.at("seconds").get<double>()); // reused trials count nothing, as alone
        for (const nlohmann::json& item : theirs.at("trials"))
            byIndex.emplace(item.at("index").get<std::size_t>(), TrialRecord::fromJson(item.at("trial")));
    }
    for (const auto& [index, trial] : byIndex) {
        done.push_back(trial);
        finishTrial(trial, result);
    }
    result.trainingSeconds += slowestRank;
    m_group->runOnLeader("writing oracle.json", [&] {
        writeJsonFile(m_folder / "oracle.json", nlohmann::json{{"config", m_config.toJson()}, {"trials_done", result.trials.size()}}, 2);
        return std::string();
    });
    return done;
}

TuningResult Tuner::run(TrainingControl& control)
{
    const auto start = Clock::now();
    fs::create_directories(m_folder);
    const auto checkSettings = [&] {
        const fs::path oracleFile = m_folder / "oracle.json";
        if (fs::exists(oracleFile) && readJsonFile(oracleFile).value("config", nlohmann::json()) != m_config.toJson())
            throw NeuroDxError(ErrorKind::InvalidArgument, oracleFile,
                               "this tuning folder was made with other settings; resume with the same ones or choose a new folder");
        return std::string();
    };
    if (m_group) // rank 0's folder decides for every rank
        m_group->runOnLeader("checking the tuning folder", checkSettings);
    else
        checkSettings();

    TuningResult result;
    std::vector<HyperparameterValues> used;
    int nextId = 0;

    if (m_config.strategy == TuningConfig::Strategy::Random) {
        runRound(newTrials(m_config.maxTrials, m_config.maxEpochs, 0, used, nextId), control, result);
    } else {
        const HyperbandSchedule schedule{m_config.maxEpochs, m_config.factor};
        for (int iteration = 0; iteration < m_config.iterations && !stopping(control); ++iteration) {
            for (int bracket = schedule.brackets() - 1; bracket >= 0 && !stopping(control); --bracket) {
                std::vector<TrialRecord> previous;
                for (int round = 0; round < schedule.rounds(bracket) && !stopping(control); ++round) {
                    std::vector<TrialRecord> planned;
                    if (round == 0) {
                        planned = newTrials(schedule.trials(bracket, 0), schedule.epochs(bracket, 0), bracket, used, nextId);
                    } else {
                        // Successive halving: the best of the previous round continue from their checkpoints.
                        std::vector<TrialRecord> ranked;
                        for (const TrialRecord& t : previous) {
                            if (t.status == TrialStatus::Completed)
                                ranked.push_back(t);
                        }
                        std::stable_sort(ranked.begin(), ranked.end(), [&](const TrialRecord& a, const TrialRecord& b) {
                            return improves(m_config.objective, a.score, b.score);
                        });
                        ranked.resize(std::min<std::size_t>(ranked.size(), static_cast<std::size_t>(schedule.trials(bracket, round))));
                        for (const TrialRecord& parent : ranked) {
                            TrialRecord t;
                            t.id = trialId(nextId++);
                            t.hyperparameters = parent.hyperparameters;
                            t.bracket = bracket;
                            t.round = round;
                            t.parent = parent.id;
                            t.initialEpoch = parent.epochs;
                            t.epochs = schedule.epochs(bracket, round);
                            planned.push_back(std::move(t));
                        }
                    }
                    for (TrialRecord& t : planned)
                        t.round = round;
                    previous = runRound(std::move(planned), control, result);
                }
            }
        }
    }
    result.cancelled = stopping(control);
    result.bestTrial = bestTrialIndex(result.trials, m_config.objective);
    result.totalSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

} // namespace neurodx
