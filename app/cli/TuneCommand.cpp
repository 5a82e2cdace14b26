#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "TextTable.h"
#include "TrainingOptions.h"

#include "tuning/TuningJob.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace neurodx::cli {

int runTune(const std::vector<std::string>& argv)
{
    std::set<std::string> values = trainingValueOptions();
    values.insert({"strategy", "max-epochs", "factor", "iterations", "max-trials", "objective", "search", "output", "split-file", "classes", "metadata"});
    std::set<std::string> flags = trainingFlagOptions();
    flags.insert({"json", "quiet"});
    const CliArguments args(argv, values, flags);
    args.requirePositional(1, "the dataset folder (neurodx-cli tune DIR)");

    TuningJobConfig job;
    job.dataset = args.positional()[0];
    const OutputFolder output(args, "tuning");
    job.folder = output.path();
    TrainingConfig base;
    base.model.architecture = "cnn";
    job.training = trainingConfigFrom(args, base);
    job.scan = scanOptionsFrom(args);
    if (const auto split = args.value("split-file"))
        job.splitFile = *split;
    TuningConfig& t = job.tuning;
    const std::string strategy = args.value("strategy", "hyperband");
    if (strategy != "hyperband" && strategy != "random")
        throw UsageError{"--strategy must be hyperband or random"};
    t.strategy = strategy == "random" ? TuningConfig::Strategy::Random : TuningConfig::Strategy::Hyperband;
    t.maxEpochs = args.intValue("max-epochs", 10, 1, 10000);
    t.factor = args.intValue("factor", 3, 2, 100);
    t.iterations = args.intValue("iterations", 1, 1, 100);
    t.maxTrials = args.intValue("max-trials", 10, 1, 100000);
    t.objective = args.value("objective", "val_acc");
    if (t.objective != "val_acc" && t.objective != "val_loss" && t.objective != "acc" && t.objective != "loss")
        throw UsageError{"--objective must be val_acc, val_loss, acc or loss"};
    t.seed = job.training.seed;
    // --search "units=64:256:64;learning_rate=1e-4..1e-2:log" replaces or extends the seed's space.
    if (const auto search = args.value("search"))
        t.space.setAll(*search);

    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json")));
    TrainingControl control;
    const InterruptHandler interrupt(control);
    const TuningResult result = runTuningJob(job, control, {[&](const std::string& s) { printer.stage(s); },
                                                           [&](const TrialRecord& trial) {
                                                               printer.stage("trial " + trial.id + " " + trialStatusName(trial.status) + ": " + t.objective + " " + fixedPoint(trial.score));
                                                           },
                                                           {}});
    const double overhead = result.totalSeconds > 0 ? 1.0 - result.trainingSeconds / result.totalSeconds : 0.0;
    if (args.flag("json")) {
        nlohmann::json trials = nlohmann::json::array();
        for (const TrialRecord& trial : result.trials)
            trials.push_back(trial.toJson());
        nlohmann::json j = {{"folder", job.folder.string()}, {"trials", trials}, {"cancelled", result.cancelled},
                            {"objective", t.objective}, {"seconds", result.totalSeconds}, {"seconds_in_trials", result.trainingSeconds}};
        if (result.bestTrial >= 0) {
            const TrialRecord& best = result.trials[static_cast<std::size_t>(result.bestTrial)];
            j["best"] = {{"trial_id", best.id}, {"hyperparameters", best.hyperparameters}, {"score", best.score},
                         {"train_arguments", trainArguments(best.hyperparameters, job.training)}};
        }
        std::cout << jsonText(j, 2) << "\n";
        return result.cancelled ? 1 : 0;
    }
    TextTable table({"trial", "hyperparameters", "epochs", t.objective, "status", "seconds"});
    for (const TrialRecord& trial : result.trials) {
        std::string hps;
        for (const auto& [name, value] : trial.hyperparameters.items())
            hps += (hps.empty() ? "" : " ") + name + "=" + value.dump();
        table.addRow({trial.id + (trial.parent.empty() ? "" : " <- " + trial.parent), hps,
                      std::to_string(trial.initialEpoch) + "-" + std::to_string(trial.epochs), fixedPoint(trial.score), trialStatusName(trial.status), fixedPoint(trial.seconds, 1)});
    }
    std::cout << table.render();
    if (result.bestTrial >= 0) {
        const TrialRecord& best = result.trials[static_cast<std::size_t>(result.bestTrial)];
        std::cout << "\nBest: trial " << best.id << ", " << t.objective << " " << fixedPoint(best.score) << ": " << best.hyperparameters.dump() << "\n"
                  << "Train it: neurodx-cli train " << job.dataset.string() << " --hyperparameters "
                  << (job.folder / "best_hyperparameters.json").string() << "\n"
                  << "  (the same as: neurodx-cli train " << job.dataset.string() << " " << trainArguments(best.hyperparameters, job.training) << ")\n";
    }
    std::cout << "Search time " << fixedPoint(result.totalSeconds, 1) << " s, of which training " << fixedPoint(result.trainingSeconds, 1) << " s (overhead "
              << fixedPoint(overhead * 100.0, 1) << "%: scanning, decoding once, bookkeeping)\n";
    return result.cancelled ? 1 : 0;
}

} // namespace neurodx::cli
