#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"
#include "DistributedOptions.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "RunSummary.h"
#include "TrainingOptions.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

namespace neurodx::cli {

namespace {

int runTrain(const CliArguments& args)
{

    TrainingJobConfig job;
    job.dataset = args.positional()[0];
    job.training = trainingConfigFrom(args);
    job.scan = scanOptionsFrom(args);
    job.resume = args.flag("resume");
    if (job.resume && !args.value("output"))
        throw UsageError{"--resume needs --output RUN_FOLDER (the run to continue)"};
    // In a torchrun job rank 0 chooses (or creates) the run folder and alone writes into it.
    const JobMembership membership(args, architectureName(job.training.model.architecture));
    const bool leader = membership.isLeader();
    job.runFolder = membership.output();
    job.group = membership.group();
    if (const auto split = args.value("split-file"))
        job.splitFile = *split;
    job.initialWeights = args.value("weights", "");

    // Progress comes from rank 0 only; the other ranks speak only to report an error.
    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json") || !leader));
    TrainingControl control;
    const InterruptHandler interrupt(control, membership.group() != nullptr);
    const TrainingJobResult result = runTrainingJob(job, control,
                                                    {[&](const std::string& s) { printer.stage(s); }, [&](const TrainingEvent& e) { printer.event(e); },
                                                     [&](const DatasetIndex& index, const DatasetSplit& split) { printer.stage(splitSummaryText(index, split)); }});

    if (!leader)
        return result.training.cancelled ? 1 : 0;
    if (args.flag("json"))
        std::cout << jsonText(runSummaryJson(result), 2) << "\n";
    else
        std::cout << runSummaryText(result);
    return result.training.cancelled ? 1 : 0;
}

} // namespace

CommandSpec trainCommand()
{
    CommandSpec c;
    c.name = "train";
    c.summary = "Train a model; writes a run folder (config, split, history, best.pt, last.pt, metrics).";
    c.positionals = {{"DIR", "the dataset folder"}};
    c.options = {textOption("output", "RUN", "The run folder", "a new folder in the runs folder"),
                 switchOption("resume", "Continue the run in --output from its last epoch"),
                 textOption("weights", "FILE", "Start from these weights (a NeuroDx model file or TorchScript from neurodx_model.py)"),
                 textOption("split-file", "FILE", "Use this split (neurodx-cli split --output) instead of splitting here")};
    const std::vector<OptionSpec> scan = scanOptions();
    c.options.insert(c.options.end(), scan.begin(), scan.end());
    const std::vector<OptionSpec> distributed = distributedOptions();
    c.options.insert(c.options.end(), distributed.begin(), distributed.end());
    c.trainingOptions = trainingOptionSpecs();
    c.computes = true;
    c.run = runTrain;
    return c;
}

} // namespace neurodx::cli
