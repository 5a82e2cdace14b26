#include "TrainingJob.h"

#include "common/AtomicFile.h"
#include "common/ComputeSetup.h"
#include "common/JsonFile.h"
#include "common/LibraryVersions.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "common/Version.h"
#include "distributed/DataParallelJob.h"
#include "distributed/DistributedGroup.h"
#include "import/ScanImport.h"
#include "inference/ModelFile.h"
#include "evaluation/Calibration.h"
#include "inference/Predictor.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace neurodx {

std::string datasetFingerprint(const DatasetIndex& index)
{
    std::uint64_t hash = kFnv1aStart; // over "path\tlabel\n" lines
    for (const DatasetEntry& e : index.entries)
        hash = fnv1a64(e.path + "\t" + std::to_string(e.label) + "\n", hash);
    char text[40];
    std::snprintf(text, sizeof text, "fnv1a64:%016llx", static_cast<unsigned long long>(hash));
    return text;
}


namespace {
TrainingJobResult trainOnSplit(const DatasetIndex& index, const DatasetSplit& split, const TrainingJobConfig& job, TrainingControl& control,
                               const TrainingJobCallbacks& callbacks, const std::function<void(const std::string&)>& stage);
} // namespace

TrainingConfig readSavedTrainingConfig(const fs::path& configFile)
{
    const nlohmann::json saved = readJsonFile(configFile);
    if (!saved.is_object() || !saved.contains("training") || !saved["training"].is_object())
        throw NeuroDxError(ErrorKind::CorruptFile, configFile,
                           "has no \"training\" section, so the run cannot be resumed: it is damaged or not a NeuroDx run (start a new run)");
    try {
        TrainingConfig config = trainingConfigFromJson(saved["training"]);
        validate(config);
        return config;
    } catch (const NeuroDxError& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, configFile, std::string(e.what()) + ": start a new run");
    }
}

TrainingJobResult runTrainingJob(const TrainingJobConfig& job, TrainingControl& control, const TrainingJobCallbacks& callbacks)
{
    const auto stage = [&](const std::string& text) {
        if (callbacks.onStage)
            callbacks.onStage(text);
    };
    if (job.runFolder.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "a run folder is needed");
    if (job.group) {
        DataParallelPlan plan = planDataParallelJob(job, control, stage);
        TrainingJobConfig resolved = job;
        resolved.training = plan.training;
        return trainOnSplit(plan.index, plan.split, resolved, control, callbacks, stage);
    }
    TrainingConfig config = job.training;
    std::optional<fs::path> splitFile = job.splitFile;
    if (job.resume) {
        config = readSavedTrainingConfig(job.runFolder / "config.json");
        config.epochs = std::max(config.epochs, job.training.epochs); // resuming may extend the run
        splitFile = job.runFolder / "split.json";
        noteWorldSizeChange(job.runFolder / "config.json", 1, config.batchSize, stage);
    }
    validate(config);
    if (!job.resume && config.model.freezeBackbone && job.initialWeights.empty())
        stage(frozenRandomBackboneWarning()); // now, not after minutes of decoding
    if (!job.initialWeights.empty() && !fs::is_regular_file(job.initialWeights))
        throw NeuroDxError(ErrorKind::UnreadableFile, job.initialWeights, "no such weight file"); // before minutes of decoding
    std::error_code ec;
    fs::create_directories(job.runFolder, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, job.runFolder, "cannot create the run folder: " + ec.message());

    if (!job.index != !job.split)
        throw NeuroDxError(ErrorKind::InvalidArgument, "a training job given a dataset index needs its split too");
    const bool held = job.index && !job.resume;
    std::optional<DatasetIndex> scanned;
    if (!held) {
        stage("scanning " + job.dataset.string());
        scanned = scanDataset(job.dataset, job.scan, &control.cancelToken());
    }
    const DatasetIndex& index = held ? *job.index : *scanned;
    index.requireTwoClassesWithImages();
    if (!held)
        stage("splitting");
    const DatasetSplit split = held ? *job.split : splitFile ? loadSplit(*splitFile, index) : splitDataset(index, config.split);
    if (!split.report.sharedSubjects.empty() && config.split.mode == SplitMode::BySubject)
        throw NeuroDxError(ErrorKind::InvalidDataset, splitFile ? *splitFile : job.dataset, "the split shares subjects between parts");
    if (!job.resume)
        saveSplit(job.runFolder / "split.json", index, split);
    TrainingJobConfig resolved = job;
    resolved.training = config;
    return trainOnSplit(index, split, resolved, control, callbacks, stage);
}

TrainingJobResult runTrainingOnSplit(const DatasetIndex& index, const DatasetSplit& split, const TrainingJobConfig& job, TrainingControl& control,
                                     const TrainingJobCallbacks& callbacks)
{
    index.requireTwoClassesWithImages();
    std::error_code ec;
    fs::create_directories(job.runFolder, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, job.runFolder, "cannot create the run folder: " + ec.message());
    TrainingJobConfig fresh = job;
    fresh.resume = false;
    saveSplit(job.runFolder / "split.json", index, split);
    return trainOnSplit(index, split, fresh, control, callbacks, [&](const std::string& text) {
        if (callbacks.onStage)
            callbacks.onStage(text);
    });
}

namespace {

// At most `limit` slices, evenly spread over the cache (its order is the split's, class by class):
// the feature description needs a few thousand slices, not a whole large training set.
SliceCache evenlySpread(const SliceCache& cache, std::size_t limit)
{
    if (cache.size() <= limit)
        return cache;
    SliceCache subset;
    for (std::size_t n = 0; n < limit; ++n) {
        const std::size_t i = n * cache.size() / limit;
        subset.images.push_back(cache.images[i]);
        subset.labels.push_back(cache.labels[i]);
    }
    return subset;
}

} // namespace

ModelCalibration calibrateModelFile(const fs::path& modelFile, const SliceCache& train, const SliceCache& validation, int batchSize)
{
    ModelBundle bundle = loadModelFile(modelFile);
    Classifier& model = *bundle.model;
    model.to(torch::Device(computeDeviceName()));
    const bool bf16 = usesBf16(InferencePrecision::Auto);
    const SliceCache described = evenlySpread(train, 3000);
    const ModelOutputs seen = predictOutputs(model, described, bundle.input.channels, batchSize, bf16, true);
    const ModelOutputs held = predictOutputs(model, validation, bundle.input.channels, batchSize, bf16, true);
    ModelCalibration calibration;
    if (validation.size() > 0) {
        const double temperature = fitTemperature(held.logits, validation.labels);
        if (isTemperatureAtBound(temperature)) {
            // Every validation slice right (or wrong) with room to spare: nothing to learn about
            // confidence there, so the raw softmax stays, and the file says why.
            bundle.metadata["calibration"] = {{"skipped", "the validation part is separated perfectly: no temperature can be fitted"},
                                              {"validation_slices", 0}};
        } else {
            calibration.temperature = temperature;
            calibration.validationSlices = validation.size();
            calibration.nllBefore = negativeLogLikelihood(held.logits, validation.labels, 1.0);
            calibration.nllAfter = negativeLogLikelihood(held.logits, validation.labels, calibration.temperature);
            bundle.metadata["calibration"] = calibration.toJson();
        }
    }
    if (described.size() > 0)
        bundle.metadata["feature_density"] =
            fitFeatureDensity(seen.embeddings, described.labels, static_cast<int>(bundle.classNames.size()), held.embeddings).toJson();
    saveModelFile(modelFile, model, bundle.metadata);
    return calibration;
}

namespace {

TrainingJobResult trainOnSplit(const DatasetIndex& index, const DatasetSplit& split, const TrainingJobConfig& job, TrainingControl& control,
                               const TrainingJobCallbacks& callbacks, const std::function<void(const std::string&)>& stage)
{
    const TrainingConfig& config = job.training;
    const bool leader = !job.group || job.group->isLeader(); // the other ranks of a job only train

    const nlohmann::json environment = {{"app_version", kVersion},
                                        {"libtorch", libraryVersions().libtorch},
                                        {"threads", config.threads},
                                        {"hardware_threads", std::thread::hardware_concurrency()}};
    nlohmann::json datasetInfo = {{"root", index.root.string()},
                                  {"fingerprint", datasetFingerprint(index)},
                                  {"images", index.entries.size()},
                                  {"class_order", index.classNames}};
    // Slices imported from scans: the model file remembers which, so a scan is predicted on the same.
    if (const auto slices = importedSliceSelection(index.root))
        datasetInfo["slices"] = slices->toJson();
    const auto writeConfig = [&] {
        nlohmann::json configJson{{"training", toJson(config)}, {"dataset", datasetInfo}, {"environment", environment},
                                  {"initial_weights", job.initialWeights.string()}, {"research_notice", kResearchNotice}};
        if (job.group)
            configJson["distributed"] = distributedSection(job.group->worldSize(), config.batchSize);
        writeJsonFile(job.runFolder / "config.json", configJson);
        return std::string();
    };
    if (!job.resume && job.group)
        job.group->runOnLeader("writing config.json", writeConfig);
    else if (!job.resume)
        writeConfig();

    if (callbacks.onSplit)
        callbacks.onSplit(index, split);
    stage(trainingSettingsText(config) +
          (job.group ? "\ndata-parallel over " + std::to_string(job.group->worldSize()) + " ranks: global batch " +
                           std::to_string(job.group->worldSize() * config.batchSize) + " (" + std::to_string(config.batchSize) + " per rank)"
                     : std::string()));
    TrainingJobResult result;
    result.runFolder = job.runFolder;
    const auto cacheOf = [&](SplitPart part) {
        const auto& entries = split.part(part);
        stage(std::string("decoding ") + std::to_string(entries.size()) + " " + splitPartName(part) + " slices");
        SliceCache cache = buildSliceCache(index, entries, config.input, config.threads, &control.cancelToken());
        result.decodeProblems.insert(result.decodeProblems.end(), cache.problems.begin(), cache.problems.end());
        return cache;
    };
    const std::pair<SliceCache, SliceCache> decoded = decodeOnEveryRank(job.group, cacheOf);
    const SliceCache& train = decoded.first;
    const SliceCache& validation = decoded.second;
    // In a job rank 0 decodes the test part after training, so that no rank waits for it.
    SliceCache test = job.group ? SliceCache{} : cacheOf(SplitPart::Test);

    TrainingData data;
    data.train = &train;
    data.validation = &validation;
    data.classNames = index.classNames;
    data.runFolder = job.runFolder;
    data.resume = job.resume;
    data.initialWeights = job.initialWeights;
    data.checkpointMetadata = {{"dataset", datasetInfo}};
    data.group = job.group;
    stage("training");
    result.training = Trainer(config, callbacks.onEvent).run(data, control);
    if (result.training.cancelled || !leader)
        return result;
    if (job.group)
        test = cacheOf(SplitPart::Test);

    // The same precision `evaluate` and the GUI use by default, so the run's figures are theirs.
    const bool bf16 = usesBf16(InferencePrecision::Auto);
    std::shared_ptr<Classifier> model = result.training.model;
    ModelCalibration calibration;
    if (fs::exists(job.runFolder / "best.pt") && !control.isCancelled()) {
        stage("calibrating on " + std::to_string(validation.size()) + " validation slices");
        try {
            calibration = calibrateModelFile(job.runFolder / "best.pt", train, validation, config.batchSize);
        } catch (const NeuroDxError& e) {
            if (e.kind() == ErrorKind::Io)
                throw; // a full disk: the caller reports it
            stage(std::string("warning: not calibrated: ") + e.what());
        } catch (const std::exception& e) {
            // A failed fit (a numerical corner the guards missed) must not cost the finished run.
            stage(std::string("warning: not calibrated: ") + e.what());
        }
        model = loadModelFile(job.runFolder / "best.pt").model;
        model->to(torch::Device(computeDeviceName()));
    }
    if (test.size() == 0)
        return result;

    // The test set is judged by the best checkpoint, as the seed evaluated its best model.
    stage("evaluating on " + std::to_string(test.size()) + " test slices");
    const ModelOutputs outputs = predictOutputs(*model, test, config.input.channels, config.batchSize, bf16, false);
    result.test = evaluationReport(index, test, softmaxRows(outputs.logits, calibration.temperature), index.classNames, job.bootstrapResamples,
                                   config.seed);
    if (calibration.isCalibrated())
        addRawCalibration(result.test, softmaxRows(outputs.logits), calibration.temperature, calibration.validationSlices, job.bootstrapResamples,
                          config.seed);
    result.tested = true;

    nlohmann::json metrics = toJson(result.test);
    // From 1, as history.csv and the console number epochs; "epochs_from" tells readers (older files: 0).
    metrics["best_epoch"] = result.training.bestEpoch >= 0 ? nlohmann::json(result.training.bestEpoch + 1) : nlohmann::json();
    metrics["epochs_from"] = 1;
    metrics["stop_reason"] = result.training.stopReason;
    metrics["epochs_run"] = result.training.history.size();
    metrics["weights"] = result.training.weightsReport;
    if (result.training.bestEpoch >= 0) {
        const EpochRecord& best = result.training.history.at(static_cast<std::size_t>(result.training.bestEpoch));
        metrics["best_validation"] = {{"loss", best.valLoss}, {"accuracy", best.valAccuracy}};
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const SkippedFile& p : result.decodeProblems)
        problems.push_back({{"path", p.path}, {"reason", p.reason}});
    metrics["decode_problems"] = problems;
    writeJsonFile(job.runFolder / "metrics.json", metrics, 2);
    writeFileAtomically(job.runFolder / "confusion.csv", confusionCsv(result.test.slices, index.classNames));
    writeFileAtomically(job.runFolder / "predictions.csv", evaluationPredictionsCsv(index, test, result.test));
    writeFileAtomically(job.runFolder / "subjects.csv", subjectsCsv(subjectVerdicts(result.test, job.bootstrapResamples, config.seed), index.classNames));
    return result;
}

} // namespace

} // namespace neurodx
