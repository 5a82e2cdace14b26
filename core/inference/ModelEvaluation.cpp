#include "ModelEvaluation.h"

#include "evaluation/Calibration.h"

#include "common/TextUtil.h"
#include "common/CancelToken.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "dataset/Split.h"
#include "inference/Predictor.h"

#include <numeric>

namespace fs = std::filesystem;

namespace neurodx {

ModelEvaluationResult evaluateModel(const ModelEvaluationRequest& request, const CancelToken* cancel,
                                    const std::function<void(const std::string&)>& onStage)
{
    const auto stage = [&](const std::string& text) {
        if (onStage)
            onStage(text);
    };
    stage("loading " + request.modelFile.string());
    Predictor predictor = Predictor::fromFile(request.modelFile, request.precision);

    // A run folder names its dataset and split; a dataset folder is evaluated whole (or by its split file).
    fs::path datasetRoot = request.target;
    std::optional<fs::path> splitFile = request.splitFile;
    if (fs::exists(request.target / "config.json")) { // a run folder
        if (!fs::exists(request.target / "split.json"))
            throw NeuroDxError(ErrorKind::UnreadableFile, request.target / "split.json",
                               "is missing, so the run's parts cannot be known: restore it, or evaluate the dataset folder itself (all its images)");
        const nlohmann::json config = readJsonFile(request.target / "config.json");
        try {
            datasetRoot = config.at("dataset").at("root").get<std::string>();
        } catch (const nlohmann::json::exception& e) {
            throw NeuroDxError(ErrorKind::CorruptFile, request.target / "config.json",
                               "does not name the run's dataset (" + conciseReason(e.what()) + "): the file is damaged");
        }
        splitFile = request.target / "split.json";
    }
    ScanOptions scan = request.scan;
    if (request.classesFromModel)
        scan.classes = ClassScheme::fromNames(predictor.classNames());
    stage("scanning " + datasetRoot.string());
    const DatasetIndex index = scanDataset(datasetRoot, scan, cancel);
    if (index.classNames != predictor.classNames())
        throw NeuroDxError(ErrorKind::InvalidArgument, request.modelFile, "the model's classes do not match the dataset's class order");

    const std::string part = !request.part.empty() ? request.part : (splitFile ? "test" : "all");
    std::vector<std::size_t> entries;
    if (part == "all") {
        entries.resize(index.entries.size());
        std::iota(entries.begin(), entries.end(), std::size_t{0});
    } else {
        if (!splitFile)
            throw NeuroDxError(ErrorKind::InvalidArgument, request.target, "the " + part + " part needs a run folder or a split file");
        const DatasetSplit split = loadSplit(*splitFile, index);
        if (part == "train")
            entries = split.part(SplitPart::Train);
        else if (part == "validation")
            entries = split.part(SplitPart::Validation);
        else if (part == "test")
            entries = split.part(SplitPart::Test);
        else
            throw NeuroDxError(ErrorKind::InvalidArgument, "the part must be train, validation, test or all, not '" + part + "'");
    }
    if (entries.empty())
        throw NeuroDxError(ErrorKind::InvalidDataset, request.target, "the " + part + " part has no images");

    stage("decoding " + std::to_string(entries.size()) + " slices");
    const SliceCache cache = buildSliceCache(index, entries, predictor.bundle().input, request.threads, cancel);
    if (cache.size() == 0)
        throw NeuroDxError(ErrorKind::InvalidDataset, request.target, "none of the images could be decoded");
    if (cancel && cancel->isCancelled())
        throw NeuroDxError(ErrorKind::Cancelled, "evaluation cancelled");
    stage("predicting " + std::to_string(cache.size()) + " slices");
    predictor.setCalibrated(request.calibrated);
    const ModelOutputs outputs = predictOutputs(*predictor.bundle().model, cache, predictor.bundle().input.channels, 32, predictor.usesBf16(), false);
    const double temperature = predictor.temperature();
    EvaluationReport report = evaluationReport(index, cache, softmaxRows(outputs.logits, temperature), predictor.classNames(), request.bootstrapResamples);
    if (predictor.isCalibrated())
        addRawCalibration(report, softmaxRows(outputs.logits), temperature, predictor.calibration().validationSlices, request.bootstrapResamples);
    ModelEvaluationResult result;
    result.slices = evaluatedSlices(index, cache, std::move(report));
    result.slices.part = part;
    result.slices.model = request.modelFile.string();
    result.datasetRoot = index.root;
    result.decodeProblems = cache.problems;
    return result;
}

} // namespace neurodx
