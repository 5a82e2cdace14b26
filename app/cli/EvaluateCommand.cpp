#include "Commands.h"

#include "CommandContext.h"
#include "RunSummary.h"

#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/ComputeSetup.h"
#include "inference/ModelEvaluation.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

int runEvaluate(const CliArguments& args)
{
    const fs::path modelFile = args.positional()[0];
    const fs::path target = args.positional()[1];
    setComputeThreads(static_cast<int>(args.integer("threads")));
    ModelEvaluationRequest request;
    request.modelFile = modelFile;
    request.target = target;
    if (const auto explicitSplit = args.value("split-file"))
        request.splitFile = fs::path(*explicitSplit);
    request.part = args.value("part", ""); // absent: the engine's choice (see the declaration)
    request.scan = scanOptionsFrom(args);
    request.classesFromModel = !args.value("classes");
    request.bootstrapResamples = static_cast<int>(args.integer("bootstrap"));
    request.precision = inferencePrecisionFromName(args.text("precision"));
    request.calibrated = !args.flag("no-calibration");
    const bool quiet = args.flag("quiet") || args.flag("json");
    const ModelEvaluationResult evaluation = evaluateModel(request, nullptr, [&](const std::string& stage) {
        if (!quiet)
            std::cerr << stage << "\n";
    });
    const EvaluationReport& report = evaluation.slices.report;
    if (report.calibrationSlices > 0 && (evaluation.slices.part == "validation" || evaluation.slices.part == "all"))
        std::cerr << "neurodx-cli evaluate: note: the temperature was fitted on the validation part, so the calibration figures "
                     "of a part that contains it look better than they are\n";
    const std::string& part = evaluation.slices.part;
    nlohmann::json metrics = toJson(report);
    metrics["model"] = modelFile.string();
    metrics["part"] = part;
    if (const auto output = args.value("output")) {
        fs::create_directories(*output);
        writeJsonFile(fs::path(*output) / "metrics.json", metrics, 2);
        writeFileAtomically(fs::path(*output) / "confusion.csv", confusionCsv(report.slices, report.classNames));
        writeFileAtomically(fs::path(*output) / "predictions.csv", predictionsCsv(evaluation.slices, evaluation.datasetRoot));
        writeFileAtomically(fs::path(*output) / "subjects.csv", subjectsCsv(subjectVerdicts(report, request.bootstrapResamples), report.classNames));
    }
    if (args.flag("json")) {
        std::cout << jsonText(metrics, 2) << "\n";
    } else {
        std::cout << "Model " << modelFile.string() << " on the " << part << " part of " << evaluation.datasetRoot.string() << "\n";
        for (const SkippedFile& p : evaluation.decodeProblems)
            std::cout << "  not decoded: " << p.path << ": " << p.reason << "\n";
        std::cout << "\n" << evaluationText(report);
    }
    return 0;
}

} // namespace

CommandSpec evaluateCommand()
{
    CommandSpec c;
    c.name = "evaluate";
    c.summary = "Metrics of a model file on a dataset (all of it) or on a run's test part, with 95% bootstrap intervals.";
    c.positionals = {{"MODEL", "the model file (best.pt, a run folder, or a Keras .h5)"}, {"DIR|RUN", "the dataset or run folder to evaluate on"}};
    OptionSpec part = choiceOption("part", "Which part of a run's split to evaluate on", "", {"test", "validation", "train", "all"});
    part.defaultText = "test of a run, all of a dataset";
    c.options = {part,
                 textOption("output", "DIR", "Also write metrics.json, the per-slice CSV and the plots' data there"),
                 textOption("split-file", "FILE", "The split to take the part from, instead of the run's own"),
                 wholeOption("bootstrap", "Bootstrap resamples for the confidence intervals (0: none)", 1000, 0, 100000),
                 wholeOption("threads", "Compute threads (0: one per core)", 0, 0, 1024),
                 precisionOption(),
                 switchOption("no-calibration", "The raw softmax instead of the model's temperature-scaled probabilities")};
    const std::vector<OptionSpec> scan = scanOptions();
    c.options.insert(c.options.end(), scan.begin(), scan.end());
    c.computes = true;
    c.run = runEvaluate;
    return c;
}

} // namespace neurodx::cli
