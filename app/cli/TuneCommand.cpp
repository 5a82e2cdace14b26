#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"
#include "DistributedOptions.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "TextTable.h"
#include "TrainingOptions.h"

#include "tuning/TuningJob.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace neurodx::cli {

namespace {

// A search trains the seed's searchable CNN unless told otherwise.
TrainingConfig searchBase()
{
    TrainingConfig base;
    base.model.architecture = Architecture::Cnn;
    return base;
}

int runTune(const CliArguments& args)
{
    TuningJobConfig job;
    job.dataset = args.positional()[0];
    // In a torchrun job each round's trials are shared out over the ranks; rank 0 reports.
    TrainingControl control; // before the membership: its heartbeat may stop this control until the end
    const JobMembership membership(args, "tuning", &control);
    job.folder = membership.output();
    job.group = membership.group();
    job.training = trainingConfigFrom(args, searchBase());
    job.scan = scanOptionsFrom(args);
    if (const auto split = args.value("split-file"))
        job.splitFile = *split;
    TuningConfig& t = job.tuning;
    t.strategy = args.text("strategy") == "random" ? TuningConfig::Strategy::Random : TuningConfig::Strategy::Hyperband;
    t.maxEpochs = static_cast<int>(args.integer("max-epochs"));
    t.factor = static_cast<int>(args.integer("factor"));
    t.iterations = static_cast<int>(args.integer("iterations"));
    t.maxTrials = static_cast<int>(args.integer("max-trials"));
    t.objective = metricFromName(args.text("objective"));
    t.seed = job.training.seed;
    // --search "units=64:256:64;learning_rate=1e-4..1e-2:log" replaces or extends the seed's space.
    if (const auto search = args.value("search"))
        t.space.setAll(*search);

    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json") || !membership.isLeader()));
    const InterruptHandler interrupt(control, membership.group() != nullptr);
    const TuningResult result = runTuningJob(job, control, {[&](const std::string& s) { printer.stage(s); },
                                                           [&](const TrialRecord& trial) {
                                                               printer.stage("trial " + trial.id + " " + trialStatusName(trial.status) + ": " + metricName(t.objective) + " " + fixedPoint(trial.score));
                                                           },
                                                           {}});
    if (!membership.isLeader())
        return result.cancelled ? 1 : 0;
    const double overhead = result.totalSeconds > 0 ? 1.0 - result.trainingSeconds / result.totalSeconds : 0.0;
    if (args.flag("json")) {
        nlohmann::json trials = nlohmann::json::array();
        for (const TrialRecord& trial : result.trials)
            trials.push_back(trial.toJson());
        nlohmann::json j = {{"folder", job.folder.string()}, {"trials", trials}, {"cancelled", result.cancelled},
                            {"objective", metricName(t.objective)}, {"seconds", result.totalSeconds}, {"seconds_in_trials", result.trainingSeconds}};
        if (result.bestTrial >= 0) {
            const TrialRecord& best = result.trials[static_cast<std::size_t>(result.bestTrial)];
            j["best"] = {{"trial_id", best.id}, {"hyperparameters", best.hyperparameters}, {"score", best.score},
                         {"train_arguments", trainArguments(best.hyperparameters, job.training)}};
        }
        std::cout << jsonText(j, 2) << "\n";
        return result.cancelled ? 1 : 0;
    }
    TextTable table({"trial", "hyperparameters", "epochs", metricName(t.objective), "status", "seconds"});
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
        std::cout << "\nBest: trial " << best.id << ", " << metricName(t.objective) << " " << fixedPoint(best.score) << ": " << best.hyperparameters.dump() << "\n"
                  << "Train it: neurodx-cli train " << job.dataset.string() << " --hyperparameters "
                  << (job.folder / "best_hyperparameters.json").string() << "\n"
                  << "  (the same as: neurodx-cli train " << job.dataset.string() << " " << trainArguments(best.hyperparameters, job.training) << ")\n";
    }
    std::cout << "Search time " << fixedPoint(result.totalSeconds, 1) << " s, of which training " << fixedPoint(result.trainingSeconds, 1) << " s (overhead "
              << fixedPoint(overhead * 100.0, 1) << "%: scanning, decoding once, bookkeeping)\n";
    return result.cancelled ? 1 : 0;
}

} // namespace

CommandSpec tuneCommand()
{
    const TuningConfig d;
    CommandSpec c;
    c.name = "tune";
    c.summary = "Hyperband (keras-tuner's schedule) or random search over filters, units, learning rate and dropout.";
    c.positionals = {{"DIR", "the dataset folder"}};
    c.options = {choiceOption("strategy", "Hyperband: many short trials, the best trained longer; random: max-trials full trials",
                              d.strategy == TuningConfig::Strategy::Random ? "random" : "hyperband", {"hyperband", "random"}),
                 wholeOption("max-epochs", "Epochs of the longest trial (Hyperband's max_epochs; every random trial's)", d.maxEpochs, 1, 10000),
                 wholeOption("factor", "Hyperband's reduction factor: 1 of every FACTOR trials goes on", d.factor, 2, 100),
                 wholeOption("iterations", "Hyperband iterations (whole brackets)", d.iterations, 1, 100),
                 wholeOption("max-trials", "Trials of a random search", d.maxTrials, 1, 100000),
                 choiceOption("objective", "What the search maximises (accuracies) or minimises (losses)", metricName(d.objective), metricNames()),
                 textOption("search", "SPACE", "Replace or extend the seed's search space, e.g. \"units=64:512:64;dropout=0..0.5;learning_rate=1e-4..1e-2:log\""),
                 textOption("output", "DIR", "The search's folder; an existing search's folder resumes it", "a new folder in the runs folder"),
                 textOption("split-file", "FILE", "Use this split (neurodx-cli split --output) instead of splitting here")};
    const std::vector<OptionSpec> scan = scanOptions();
    c.options.insert(c.options.end(), scan.begin(), scan.end());
    const std::vector<OptionSpec> distributed = distributedOptions();
    c.options.insert(c.options.end(), distributed.begin(), distributed.end());
    c.trainingOptions = trainingOptionSpecs(searchBase());
    c.computes = true;
    c.run = runTune;
    return c;
}

} // namespace neurodx::cli
