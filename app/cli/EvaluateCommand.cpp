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

int runEvaluate(const std::vector<std::string>& argv)
{
    std::set<std::string> values = scanValueOptions();
    values.insert({"part", "output", "split-file", "bootstrap", "threads", "precision"});
    const CliArguments args(argv, values, {"json", "quiet", "no-calibration"});
    if (args.positional().size() != 2)
        throw UsageError{"evaluate takes a model file and a dataset or run folder (neurodx-cli evaluate MODEL DIR|RUN)"};
    const fs::path modelFile = args.positional()[0];
    const fs::path target = args.positional()[1];
    setComputeThreads(args.intValue("threads", 0, 0, 1024));
    ModelEvaluationRequest request;
    request.modelFile = modelFile;
    request.target = target;
    if (const auto explicitSplit = args.value("split-file"))
        request.splitFile = fs::path(*explicitSplit);
    request.part = args.value("part", "");
    if (!request.part.empty() && request.part != "all" && request.part != "train" && request.part != "validation" && request.part != "test")
        throw UsageError{"--part must be train, validation, test or all"};
    request.scan = scanOptionsFrom(args);
    request.classesFromModel = !args.value("classes");
    request.bootstrapResamples = args.intValue("bootstrap", 1000, 0, 100000);
    request.precision = inferencePrecisionFromName(args.value("precision", "auto"));
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

} // namespace neurodx::cli
