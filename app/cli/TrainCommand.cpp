#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "RunSummary.h"
#include "TrainingOptions.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>

namespace neurodx::cli {

int runTrain(const std::vector<std::string>& argv)
{
    std::set<std::string> values = trainingValueOptions();
    values.insert({"output", "weights", "split-file", "classes", "metadata"});
    std::set<std::string> flags = trainingFlagOptions();
    flags.insert({"resume", "json", "quiet"});
    const CliArguments args(argv, values, flags);
    args.requirePositional(1, "the dataset folder (neurodx-cli train DIR)");

    TrainingJobConfig job;
    job.dataset = args.positional()[0];
    job.training = trainingConfigFrom(args);
    job.scan = scanOptionsFrom(args);
    job.resume = args.flag("resume");
    if (job.resume && !args.value("output"))
        throw UsageError{"--resume needs --output RUN_FOLDER (the run to continue)"};
    const OutputFolder output(args, job.training.model.architecture);
    job.runFolder = output.path();
    if (const auto split = args.value("split-file"))
        job.splitFile = *split;
    job.initialWeights = args.value("weights", "");

    ProgressPrinter printer(ProgressPrinter::styleFor(args.flag("quiet") || args.flag("json")));
    TrainingControl control;
    const InterruptHandler interrupt(control);
    const TrainingJobResult result = runTrainingJob(job, control,
                                                    {[&](const std::string& s) { printer.stage(s); }, [&](const TrainingEvent& e) { printer.event(e); },
                                                     [&](const DatasetIndex& index, const DatasetSplit& split) { printer.stage(splitSummaryText(index, split)); }});

    if (args.flag("json"))
        std::cout << jsonText(runSummaryJson(result), 2) << "\n";
    else
        std::cout << runSummaryText(result);
    return result.training.cancelled ? 1 : 0;
}

} // namespace neurodx::cli
