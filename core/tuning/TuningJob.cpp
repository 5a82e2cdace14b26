#include "TuningJob.h"

#include "common/TextUtil.h"
#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "distributed/DataParallelJob.h"
#include "distributed/DistributedGroup.h"
#include "dataset/Split.h"
#include "training/SliceCache.h"

#include <chrono>
#include <cstdio>

namespace fs = std::filesystem;

namespace neurodx {

void applyHyperparameters(TrainingConfig& config, const HyperparameterValues& values)
{
    if (values.contains("filters1") || values.contains("filters2") || values.contains("units")) {
        // The tuned network is the seed's CNN with the chosen sizes.
        CnnSizes preset;
        if (cnnPresetSizes(config.model.architecture, preset))
            config.model.filters1 = preset.filters1, config.model.filters2 = preset.filters2, config.model.hiddenUnits = preset.hiddenUnits;
        config.model.architecture = Architecture::Cnn;
    }
    for (const auto& [name, value] : values.items()) {
        if (name == "filters1")
            config.model.filters1 = value.get<int>();
        else if (name == "filters2")
            config.model.filters2 = value.get<int>();
        else if (name == "units")
            config.model.hiddenUnits = value.get<int>();
        else if (name == "learning_rate")
            config.learningRate = value.get<double>();
        else if (name == "dropout")
            config.model.dropout = value.get<double>();
        else
            throw NeuroDxError(ErrorKind::InvalidArgument, "unknown hyperparameter '" + name + "'");
    }
}

std::string trainArguments(const HyperparameterValues& values, const TrainingConfig& base)
{
    TrainingConfig config;
    config.model.architecture = Architecture::Cnn;
    applyHyperparameters(config, values);
    char text[256];
    std::snprintf(text, sizeof text, "--model cnn --filters1 %d --filters2 %d --units %d", config.model.filters1, config.model.filters2,
                  config.model.hiddenUnits);
    std::string arguments = text;
    if (values.contains("learning_rate")) {
        std::snprintf(text, sizeof text, " --learning-rate %.6g", config.learningRate);
        arguments += text;
    }
    if (values.contains("dropout")) {
        std::snprintf(text, sizeof text, " --dropout %.4g", config.model.dropout);
        arguments += text;
    }
    const TrainingConfig defaults;
    if (base.input.size != defaults.input.size)
        arguments += " --image-size " + std::to_string(base.input.size);
    if (base.input.channels != defaults.input.channels)
        arguments += " --channels " + std::to_string(base.input.channels);
    if (base.batchSize != defaults.batchSize)
        arguments += " --batch-size " + std::to_string(base.batchSize);
    if (!base.augment)
        arguments += " --no-augment";
    if (base.augment && base.augmentation.maxRotationDegrees != defaults.augmentation.maxRotationDegrees) {
        std::snprintf(text, sizeof text, " --rotation %g", base.augmentation.maxRotationDegrees);
        arguments += text;
    }
    if (base.augment && !base.augmentation.horizontalFlip)
        arguments += " --no-horizontal-flip";
    if (base.augment && !base.augmentation.verticalFlip)
        arguments += " --no-vertical-flip";
    if (base.balancedClassWeights)
        arguments += " --class-weights balanced";
    if (base.split.mode != defaults.split.mode)
        arguments += std::string(" --split-mode ") + splitModeName(base.split.mode);
    if (base.split.ratios != defaults.split.ratios) {
        std::snprintf(text, sizeof text, " --ratios %g,%g,%g", base.split.ratios[0], base.split.ratios[1], base.split.ratios[2]);
        arguments += text;
    }
    if (base.seed != defaults.seed)
        arguments += " --seed " + std::to_string(base.seed);
    if (base.bf16)
        arguments += base.bf16ConvolutionsOnly ? " --bf16-convolutions" : " --bf16";
    return arguments;
}

nlohmann::json tunedSettingsJson(const TrainingConfig& base)
{
    const nlohmann::json all = toJson(base);
    nlohmann::json settings;
    for (const char* key : {"input", "batch_size", "augment", "augmentation", "balanced_class_weights", "split", "seed", "bf16", "bf16_convolutions_only"})
        settings[key] = all.at(key);
    return settings;
}

void applyTunedSettings(TrainingConfig& config, const nlohmann::json& settings)
{
    // The same reader as config.json, over the recorded keys only; anything else keeps `config`'s value.
    nlohmann::json merged = toJson(config);
    for (const auto& [key, value] : settings.items())
        merged[key] = value;
    const TrainingConfig read = trainingConfigFromJson(merged);
    config.input = read.input;
    config.model.imageSize = read.input.size;
    config.model.inputChannels = read.input.channels;
    config.batchSize = read.batchSize;
    config.augment = read.augment;
    config.augmentation = read.augmentation;
    config.balancedClassWeights = read.balancedClassWeights;
    config.split = read.split;
    config.seed = read.seed;
    config.bf16 = read.bf16;
    config.bf16ConvolutionsOnly = read.bf16ConvolutionsOnly;
}

std::string trialsCsv(const std::vector<TrialRecord>& trials)
{
    std::string csv = "trial_id,hyperparameters,bracket,round,initial_epoch,epochs,parent,score,status,seconds\n";
    char text[64];
    for (const TrialRecord& t : trials) {
        std::snprintf(text, sizeof text, "%.6f", t.score);
        csv += t.id + "," + csvField(t.hyperparameters.dump()) + "," + std::to_string(t.bracket) + "," + std::to_string(t.round) + "," + std::to_string(t.initialEpoch) + "," +
               std::to_string(t.epochs) + "," + t.parent + "," + text + "," + trialStatusName(t.status) + ",";
        std::snprintf(text, sizeof text, "%.2f", t.seconds);
        csv += std::string(text) + "\n";
    }
    return csv;
}

TuningResult runTuningJob(const TuningJobConfig& job, TrainingControl& control, const TuningJobCallbacks& callbacks)
{
    const auto start = std::chrono::steady_clock::now();
    const auto stage = [&](const std::string& text) {
        if (callbacks.onStage)
            callbacks.onStage(text);
    };
    validate(job.training);
    stage("scanning " + job.dataset.string());
    const DatasetIndex index = scanOnEveryRank(job.group, job.dataset, job.scan, &control.cancelToken());
    index.requireTwoClassesWithImages();
    const bool leader = !job.group || job.group->isLeader();
    if (job.group)
        requireSameSettings(*job.group, {{"tuning", job.tuning.toJson()}, {"training", toJson(job.training)}});
    const auto decideSplit = [&] {
        // The given split, else the one a search being resumed wrote, else a new one.
        const fs::path saved = job.folder / "split.json";
        const std::optional<fs::path> splitFile = job.splitFile ? job.splitFile : fs::exists(saved) ? std::optional<fs::path>(saved) : std::nullopt;
        std::error_code same;
        if (job.splitFile && fs::exists(saved) && !fs::equivalent(*job.splitFile, saved, same) &&
            readJsonFile(*job.splitFile).value("parts", nlohmann::json()) != readJsonFile(saved).value("parts", nlohmann::json()))
            throw NeuroDxError(ErrorKind::InvalidArgument, saved,
                               "this search ran its finished trials on the split it holds, not on " + job.splitFile->string() +
                                   ": give that split.json again, or start a new search (another --output)");
        const DatasetSplit split = splitFile ? loadSplit(*splitFile, index) : splitDataset(index, job.training.split);
        if (!split.report.sharedSubjects.empty() && job.training.split.mode == SplitMode::BySubject)
            throw NeuroDxError(ErrorKind::InvalidDataset, splitFile ? *splitFile : job.dataset, "the split shares subjects between parts");
        fs::create_directories(job.folder);
        std::error_code ec;
        if (!splitFile || !fs::equivalent(*splitFile, saved, ec))
            saveSplit(saved, index, split);
        return split;
    };
    // In a distributed search rank 0 splits (or reads the folder's split.json) for every rank.
    const DatasetSplit split = job.group ? agreeOnSplit(*job.group, index, decideSplit) : decideSplit();
    fs::create_directories(job.folder);
    const auto cacheOf = [&](SplitPart part) {
        stage(std::string("decoding ") + std::to_string(split.part(part).size()) + " " + splitPartName(part) + " slices");
        return buildSliceCache(index, split.part(part), job.training.input, job.training.threads, &control.cancelToken());
    };
    // In a job every trial is scored on the same slices, whichever rank trains it.
    const std::pair<SliceCache, SliceCache> decoded = decodeOnEveryRank(job.group, cacheOf);
    const SliceCache& train = decoded.first;
    const SliceCache& validation = decoded.second;
    if (validation.size() == 0 && isValidationMetric(job.tuning.objective))
        throw NeuroDxError(ErrorKind::InvalidDataset, job.dataset, std::string("the objective ") + metricName(job.tuning.objective) + " needs a validation part");

    const TrialRunner runner = [&](const TrialRecord& trial, const fs::path& trialFolder, const fs::path& parentFolder, TrainingControl& trialControl) {
        TrainingConfig config = job.training;
        applyHyperparameters(config, trial.hyperparameters);
        config.epochs = trial.epochs;
        config.earlyStopping.enabled = false; // Hyperband decides how long a trial trains
        TrainingData data;
        data.train = &train;
        data.validation = &validation;
        data.classNames = index.classNames;
        data.runFolder = trialFolder;
        if (!parentFolder.empty()) {
            // A promoted trial continues its parent's weights, optimizer and history.
            for (const char* file : {"last.pt", "last_optimizer.pt", "history.csv", "best.pt"}) {
                if (fs::exists(parentFolder / file))
                    fs::copy_file(parentFolder / file, trialFolder / file, fs::copy_options::overwrite_existing);
            }
            data.resume = true;
        }
        stage("trial " + trial.id + ": " + trial.hyperparameters.dump() + ", epochs " + std::to_string(trial.initialEpoch) + " -> " + std::to_string(trial.epochs));
        const TrainingResult result = Trainer(config, callbacks.onEvent).run(data, trialControl);
        return std::vector<EpochRecord>(result.history.begin() + std::min<std::ptrdiff_t>(trial.initialEpoch, static_cast<std::ptrdiff_t>(result.history.size())),
                                        result.history.end());
    };
    if (job.group && job.tuning.strategy == TuningConfig::Strategy::Hyperband)
        requireSharedFolder(*job.group, job.folder);
    Tuner tuner(job.tuning, job.folder, runner, callbacks.onTrial);
    tuner.spreadOver(job.group);
    TuningResult result = tuner.run(control);
    result.totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); // scan and decoding included
    if (!leader)
        return result;

    writeFileAtomically(job.folder / "trials.csv", trialsCsv(result.trials));
    if (result.bestTrial >= 0) {
        const TrialRecord& best = result.trials[static_cast<std::size_t>(result.bestTrial)];
        writeJsonFile(job.folder / "best_hyperparameters.json",
                      nlohmann::json{{"hyperparameters", best.hyperparameters},
                                     {"trial_id", best.id},
                                     {"objective", metricName(job.tuning.objective)},
                                     {"score", best.score},
                                     {"epochs", best.epochs},
                                     {"settings", tunedSettingsJson(job.training)},
                                     {"train_arguments", trainArguments(best.hyperparameters, job.training)}});
    }
    return result;
}

} // namespace neurodx
