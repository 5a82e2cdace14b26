#include "Commands.h"

#include "CommandContext.h"
#include "RunSummary.h"

#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/ComputeSetup.h"
#include "inference/Predictor.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <numeric>

namespace fs = std::filesystem;

namespace neurodx::cli {

int runEvaluate(const std::vector<std::string>& argv)
{
    std::set<std::string> values = scanValueOptions();
    values.insert({"part", "output", "split-file", "bootstrap", "threads"});
    const CliArguments args(argv, values, {"json", "quiet"});
    if (args.positional().size() != 2)
        throw UsageError{"evaluate takes a model file and a dataset or run folder (neurodx-cli evaluate MODEL DIR|RUN)"};
    const fs::path modelFile = args.positional()[0];
    const fs::path target = args.positional()[1];
    setComputeThreads(args.intValue("threads", 0, 0, 1024));
    Predictor predictor = Predictor::fromFile(modelFile);

    // A run folder names its dataset and split; a dataset folder is evaluated whole (or by --split-file).
    fs::path datasetRoot = target;
    std::optional<fs::path> splitFile;
    if (const auto explicitSplit = args.value("split-file"))
        splitFile = *explicitSplit;
    const bool isRun = fs::exists(target / "config.json") && fs::exists(target / "split.json");
    if (isRun) {
        const nlohmann::json config = readJsonFile(target / "config.json");
        try {
            datasetRoot = config.at("dataset").at("root").get<std::string>();
        } catch (const nlohmann::json::exception& e) {
            throw NeuroDxError(ErrorKind::CorruptFile, target / "config.json", std::string("does not name the dataset: ") + e.what());
        }
        splitFile = target / "split.json";
    }
    ScanOptions scan = scanOptionsFrom(args);
    if (!args.value("classes"))
        scan.classes = ClassScheme::fromNames(predictor.classNames());
    const DatasetIndex index = scanWithProgress(datasetRoot.string(), scan, args.flag("quiet") || args.flag("json"));
    if (index.classNames != predictor.classNames())
        throw NeuroDxError(ErrorKind::InvalidArgument, modelFile, "the model's classes do not match the dataset's class order");

    const std::string part = args.value("part", splitFile ? "test" : "all");
    std::vector<std::size_t> entries;
    if (part == "all") {
        entries.resize(index.entries.size());
        std::iota(entries.begin(), entries.end(), std::size_t{0});
    } else {
        if (!splitFile)
            throw UsageError{"--part " + part + " needs a run folder or --split-file"};
        const DatasetSplit split = loadSplit(*splitFile, index);
        if (part == "train")
            entries = split.part(SplitPart::Train);
        else if (part == "validation")
            entries = split.part(SplitPart::Validation);
        else if (part == "test")
            entries = split.part(SplitPart::Test);
        else
            throw UsageError{"--part must be train, validation, test or all"};
    }
    if (entries.empty())
        throw NeuroDxError(ErrorKind::InvalidDataset, target, "the " + part + " part has no images");

    const SliceCache cache = buildSliceCache(index, entries, predictor.bundle().input);
    if (cache.size() == 0)
        throw NeuroDxError(ErrorKind::InvalidDataset, target, "none of the images could be decoded");
    const auto probabilities = predictor.predictCache(cache);
    const EvaluationReport report = evaluationReport(index, cache, probabilities, predictor.classNames(), args.intValue("bootstrap", 1000, 0, 100000));

    nlohmann::json metrics = toJson(report);
    metrics["model"] = modelFile.string();
    metrics["part"] = part;
    if (const auto output = args.value("output")) {
        fs::create_directories(*output);
        writeFileAtomically(fs::path(*output) / "metrics.json", metrics.dump(2) + "\n");
        writeFileAtomically(fs::path(*output) / "confusion.csv", confusionCsv(report.slices, report.classNames));
        writeFileAtomically(fs::path(*output) / "predictions.csv", evaluationPredictionsCsv(index, cache, report));
    }
    if (args.flag("json")) {
        std::cout << metrics.dump(2) << "\n";
    } else {
        std::cout << "Model " << modelFile.string() << " on the " << part << " part of " << index.root.string() << "\n";
        for (const SkippedFile& p : cache.problems)
            std::cout << "  not decoded: " << p.path << ": " << p.reason << "\n";
        std::cout << "\n" << evaluationText(report);
    }
    return 0;
}

} // namespace neurodx::cli
