#include "Trainer.h"

#include "ModelRegistry.h"

#include "common/AtomicFile.h"
#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "common/TextUtil.h"
#include "distributed/DataParallel.h"
#include "inference/ModelFile.h"
#include "training/BatchLoader.h"
#include "training/TrainingStep.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace fs = std::filesystem;

namespace neurodx {

std::vector<double> balancedClassWeights(const std::vector<int>& labels, int classes)
{
    std::vector<double> counts(static_cast<std::size_t>(classes), 0.0);
    for (int label : labels)
        counts.at(static_cast<std::size_t>(label)) += 1.0;
    std::vector<double> weights;
    for (double count : counts)
        weights.push_back(count > 0 ? static_cast<double>(labels.size()) / (classes * count) : 0.0);
    return weights;
}

namespace {

using Clock = std::chrono::steady_clock;

double currentLearningRate(torch::optim::Adam& optimizer)
{
    return static_cast<torch::optim::AdamOptions&>(optimizer.param_groups().front().options()).lr();
}

void setLearningRate(torch::optim::Adam& optimizer, double lr)
{
    for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// Early stopping and LR reduction state, rebuilt from the history when a run resumes.
struct PlateauCounter {
    MonitoredMetric monitor;
    double minDelta = 0;
    double best = 0;
    int bestEpoch = -1;
    int wait = 0;

    PlateauCounter(MonitoredMetric m, double delta) : monitor(m), minDelta(delta), best(worstValue(monitor)) {}
    bool update(const EpochRecord& r) // true when improved
    {
        const double v = r.value(monitor);
        if (improves(monitor, v, best, minDelta)) {
            best = v;
            bestEpoch = r.epoch;
            wait = 0;
            return true;
        }
        ++wait;
        return false;
    }
};

std::vector<torch::Tensor> snapshot(const Classifier& model)
{
    std::vector<torch::Tensor> copy;
    for (const auto& p : model.parameters())
        copy.push_back(p.detach().clone());
    for (const auto& b : model.buffers())
        copy.push_back(b.detach().clone());
    return copy;
}

void restore(Classifier& model, const std::vector<torch::Tensor>& copy)
{
    torch::NoGradGuard noGrad;
    std::size_t i = 0;
    for (auto& p : model.parameters())
        p.copy_(copy[i++]);
    for (auto& b : model.buffers())
        b.copy_(copy[i++]);
}

} // namespace

Trainer::Trainer(TrainingConfig config, EventSink onEvent) : m_config(std::move(config)), m_onEvent(std::move(onEvent))
{
    m_config.model.imageSize = m_config.input.size;
    m_config.model.inputChannels = m_config.input.channels;
    validate(m_config);
}

TrainingResult Trainer::run(const TrainingData& data, TrainingControl& control)
{
    const TrainingConfig& c = m_config;
    if (!data.train || data.train->size() == 0)
        throw NeuroDxError(ErrorKind::InvalidDataset, "there are no training slices");
    const bool hasValidation = data.validation && data.validation->size() > 0;
    for (const MonitoredMetric monitor : {c.earlyStopping.monitor, c.reduceLr.monitor}) {
        if (!hasValidation && isValidationMetric(monitor) && (c.earlyStopping.enabled || c.reduceLr.enabled))
            throw NeuroDxError(ErrorKind::InvalidArgument,
                               std::string("monitoring ") + metricName(monitor) + " needs a validation part (set a validation ratio above 0)");
    }
    const int classes = static_cast<int>(data.classNames.size());
    const auto emit = [&](const TrainingEvent& e) {
        if (m_onEvent)
            m_onEvent(e);
    };
    const auto message = [&](const std::string& text) {
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Message;
        e.message = text;
        emit(e);
    };

    setComputeThreads(c.threads);
    const torch::Device device(computeDeviceName());
    torch::manual_seed(c.seed);
    ModelSpec spec = c.model;
    spec.classes = classes;
    std::shared_ptr<Classifier> model = createModel(spec);
    TrainingResult result;
    model->to(device);
    toChannelsLast(*model, c.input.channels);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(c.learningRate).betas({0.9, 0.999}).eps(1e-7));
    DataParallel parallel(data.group, *model, c.input.size);

    if (!data.resume) {
        parallel.onLeader("loading the initial weights", [&] {
            if (data.initialWeights.empty()) {
                result.weightsReport = "trained from scratch (no pretrained weights given)";
                if (spec.freezeBackbone)
                    result.weightsReport += "\n" + frozenRandomBackboneWarning();
            } else {
                result.weightsReport = "initial weights from " + data.initialWeights.string() + ": " + importWeights(*model, data.initialWeights).summary();
            }
            message(result.weightsReport);
        });
    }
    if (m_onEvent) { // one forward pass: only for someone who shows it
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Model;
        e.summary = summarizeModel(*model, architectureName(spec.architecture), c.input.channels, c.input.size);
        emit(e);
    }

    const MonitoredMetric checkpointMonitor = neurodx::checkpointMonitor(hasValidation);
    const bool writeRun = !data.runFolder.empty() && parallel.isLeader(); // the other ranks write nothing
    parallel.onLeader("creating the run folder", [&] {
        if (!writeRun)
            return;
        std::error_code ec;
        fs::create_directories(data.runFolder, ec);
        if (ec)
            throw NeuroDxError(ErrorKind::Io, data.runFolder, "cannot create the run folder: " + ec.message());
    });
    if (writeRun) {
        // best.pt, last.pt and last_optimizer.pt (Adam keeps two moments per weight), each written
        // beside its previous version before the rename: about six copies of the weights at once.
        const double needed = 6.0 * 4.0 * static_cast<double>(parameterCount(*model));
        std::error_code ec;
        const fs::space_info space = fs::space(data.runFolder, ec);
        if (!ec && static_cast<double>(space.available) < needed) {
            char text[256];
            std::snprintf(text, sizeof text, "warning: only %.0f MB free on %s; this run's checkpoints need about %.0f MB",
                          static_cast<double>(space.available) / 1e6, data.runFolder.string().c_str(), needed / 1e6);
            message(text);
        }
    }
    const fs::path bestFile = data.runFolder / "best.pt";
    const fs::path lastFile = data.runFolder / "last.pt";
    const fs::path optimizerFile = data.runFolder / "last_optimizer.pt";
    const fs::path historyFile = data.runFolder / "history.csv";

    PlateauCounter stopping(c.earlyStopping.monitor, c.earlyStopping.minDelta);
    PlateauCounter reduce(c.reduceLr.monitor, 0.0);
    PlateauCounter checkpoint(checkpointMonitor, 0.0);
    // Early stopping's best weights. best.pt holds exactly them when a run folder is written and both
    // callbacks watch the same monitor without min_delta (the default): then they are read back at the
    // end instead of being copied in memory (84 MB for the tuned CNN, held all through training).
    const bool bestWeightsInBestFile = writeRun && c.earlyStopping.monitor == checkpointMonitor && c.earlyStopping.minDelta == 0.0;
    std::vector<torch::Tensor> bestWeights;

    if (data.resume) {
        if (data.runFolder.empty())
            throw NeuroDxError(ErrorKind::InvalidArgument, "resuming needs the run folder");
        parallel.onLeader("resuming from the run folder", [&] {
            // last.pt, last_optimizer.pt and history.csv are written together after every epoch: a run
            // resumes only when all three agree, never from a mix of epochs.
            const ModelBundle last = loadModelFile(lastFile);
            if (last.spec.architecture != spec.architecture || parameterCount(*last.model) != parameterCount(*model))
                throw NeuroDxError(ErrorKind::InvalidArgument, lastFile,
                                   "holds a " + std::string(architectureName(last.spec.architecture)) + " model that does not fit this run's " + architectureName(spec.architecture) + " (start a new run)");
            restore(*model, snapshot(*last.model));
            try {
                torch::load(optimizer, optimizerFile.string());
            } catch (const std::exception& e) {
                throw NeuroDxError(ErrorKind::CorruptFile, optimizerFile,
                                   "the optimizer state cannot be read (" + conciseReason(e.what()) + "): the file is damaged; start a new run");
            }
            result.history = readHistoryCsv(historyFile);
            const int lastEpoch = last.metadata.value("epoch", -1);
            if (lastEpoch + 1 != static_cast<int>(result.history.size()))
                throw NeuroDxError(ErrorKind::CorruptFile, historyFile,
                                   "has " + std::to_string(result.history.size()) + " epochs but last.pt was written after epoch " + std::to_string(lastEpoch + 1) +
                                       ": the history is truncated or from another run; start a new run");
        });
        if (parallel.isActive()) { // the other ranks continue from rank 0's state
            std::ostringstream state;
            if (parallel.isLeader())
                torch::save(optimizer, state);
            if (const std::string shared = parallel.fromLeader(state.str(), "sharing the optimizer state"); !parallel.isLeader()) {
                std::istringstream in(shared);
                torch::load(optimizer, in);
            }
            result.history = parallel.historyFromLeader(result.history);
        }
        for (const EpochRecord& r : result.history) {
            stopping.update(r);
            reduce.update(r);
            checkpoint.update(r);
        }
        // best.pt holds the best weights when both callbacks watch the same monitor (the default).
        parallel.onLeader("reading best.pt", [&] {
            if (c.earlyStopping.enabled && c.earlyStopping.restoreBestWeights && stopping.bestEpoch >= 0 &&
                c.earlyStopping.monitor == checkpointMonitor && !bestWeightsInBestFile)
                bestWeights = snapshot(*loadModelFile(bestFile).model);
        });
        message("resumed after epoch " + std::to_string(result.history.size()) + " from " + data.runFolder.string());
    }
    parallel.broadcastModel("sharing rank 0's weights");
    if (parallel.rank() > 0) // dropout masks of their own
        torch::manual_seed(SeededRandom::derive(c.seed, static_cast<std::uint64_t>(parallel.rank())));

    const std::vector<double> classWeights = c.balancedClassWeights ? balancedClassWeights(data.train->labels, classes) : std::vector<double>{};
    torch::Tensor weightTensor;
    if (!classWeights.empty())
        weightTensor = torch::tensor(classWeights, torch::kFloat32).to(device);

    const auto saveCheckpoint = [&](const fs::path& file, const EpochRecord& record) {
        nlohmann::json extra = data.checkpointMetadata;
        extra["training"] = toJson(c);
        extra["epoch"] = record.epoch;
        extra["validation"] = {{"loss", record.valLoss}, {"accuracy", record.valAccuracy}};
        saveModelFile(file, *model, modelMetadata(spec, data.classNames, c.input, extra));
    };

    result.stopReason = "completed";
    for (int epoch = static_cast<int>(result.history.size()); epoch < c.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        model->train();
        BatchLoader loader(*data.train, c.batchSize, c.input.channels, /*shuffle=*/true,
                           c.augment ? std::optional<AugmentationConfig>(c.augmentation) : std::nullopt, c.seed, epoch, parallel.shard());
        double lossSum = 0, correct = 0, seen = 0;
        bool nanLoss = false;
        // In a data-parallel job only the stop every rank agreed on counts: a Ctrl-C that one rank
        // sees after the epoch's last step stops all of them at the next step, never one alone.
        bool cancelled = false;
        int batchIndex = 0;
        while (auto batch = loader.next()) {
            control.waitWhilePaused();
            if (!parallel.isActive() && control.isCancelled())
                break;
            if (!parallel.isActive() && !parallel.canTrainOn(batch->labels.size(0)))
                continue; // a last batch of one slice, which batch normalisation cannot train on
            const StepTotals step = parallel.isActive()
                                        ? dataParallelStep(parallel, *model, optimizer, *batch, control.isCancelled(), weightTensor, c, device)
                                        : singleProcessStep(*model, optimizer, *batch, weightTensor, c, device);
            if (step.stop) {
                cancelled = true;
                break;
            }
            if (step.nonFinite && c.stopOnNaN) {
                nanLoss = true;
                break;
            }
            if (step.slices == 0)
                continue; // every share was a single slice that batch normalisation cannot train on
            const double lossValue = step.meanLoss;
            const double n = step.slices;
            const double batchCorrect = step.correct;
            lossSum += lossValue * n;
            correct += batchCorrect;
            seen += n;
            result.batches.push_back({epoch, batchIndex + 1, lossValue, batchCorrect / n});
            TrainingEvent e;
            e.kind = TrainingEvent::Kind::Batch;
            e.epoch = epoch;
            e.epochs = c.epochs;
            e.batch = ++batchIndex;
            e.batchesPerEpoch = loader.batchCount();
            e.loss = lossValue;
            e.accuracy = batchCorrect / n;
            e.runningLoss = lossSum / seen;
            e.runningAccuracy = correct / seen;
            e.epochSeconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
            e.slicesPerSecond = seen / std::max(1e-9, e.epochSeconds);
            emit(e);
        }
        if (cancelled || (!parallel.isActive() && control.isCancelled())) {
            result.cancelled = true;
            result.stopReason = "cancelled";
            message("training cancelled during epoch " + std::to_string(epoch + 1) + "; checkpoints of finished epochs are kept");
            break;
        }
        if (nanLoss) {
            result.stopReason = "loss is NaN";
            message("the loss became NaN or infinite in epoch " + std::to_string(epoch + 1) + ": training stopped");
            break;
        }

        EpochRecord record;
        record.epoch = epoch;
        record.loss = lossSum / seen;
        record.accuracy = correct / seen;
        parallel.broadcastBuffers();
        const ValidationResult validation = hasValidation ? validate(*model, *data.validation, c, device, parallel) : ValidationResult{};
        record.valLoss = validation.loss;
        record.valAccuracy = validation.accuracy;
        record.learningRate = currentLearningRate(optimizer);
        record.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
        record = parallel.agreeOnRecord(record);
        result.history.push_back(record);

        // EarlyStopping remembers its best weights; ModelCheckpoint(save_best_only) writes best.pt;
        // then the history and the last state.
        const bool stoppingImproved = stopping.update(record);
        if (c.earlyStopping.enabled && c.earlyStopping.restoreBestWeights && stoppingImproved && !bestWeightsInBestFile && parallel.isLeader())
            bestWeights = snapshot(*model);
        const double previousBest = checkpoint.best;
        const bool checkpointImproved = checkpoint.update(record);
        parallel.onLeader("writing checkpoints", [&] {
            if (checkpointImproved && writeRun)
                saveCheckpoint(bestFile, record);
            if (writeRun) {
                saveCheckpoint(lastFile, record);
                const fs::path temporary = fs::path(optimizerFile).concat(".part");
                try {
                    torch::save(optimizer, temporary.string());
                } catch (const std::exception& e) {
                    std::error_code ignored;
                    fs::remove(temporary, ignored);
                    throw NeuroDxError(ErrorKind::Io, optimizerFile,
                                       "cannot write the optimizer state (" + conciseReason(e.what()) + "); the previous checkpoints are kept");
                }
                std::error_code renameError;
                fs::rename(temporary, optimizerFile, renameError);
                if (renameError)
                    throw NeuroDxError(ErrorKind::Io, optimizerFile, "cannot be replaced: " + renameError.message());
                writeFileAtomically(historyFile, historyCsv(result.history));
            }
        });
        TrainingEvent e;
        e.kind = TrainingEvent::Kind::Epoch;
        e.epoch = epoch;
        e.epochs = c.epochs;
        e.record = record;
        emit(e);
        // After the epoch's figures, worded as Keras' ModelCheckpoint(verbose=1) words it.
        if (checkpointImproved && writeRun) {
            char text[160];
            std::snprintf(text, sizeof text, "Epoch %d: %s improved from %.5f to %.5f, saving model to ", epoch + 1, metricName(checkpointMonitor),
                          previousBest, checkpoint.best);
            message(text + bestFile.string());
        }

        if (c.reduceLr.enabled && !reduce.update(record) && reduce.wait >= c.reduceLr.patience) {
            const double lr = std::max(c.reduceLr.minLr, currentLearningRate(optimizer) * c.reduceLr.factor);
            if (lr < currentLearningRate(optimizer)) {
                setLearningRate(optimizer, lr);
                message("learning rate reduced to " + std::to_string(lr));
            }
            reduce.wait = 0;
        }
        if (c.earlyStopping.enabled && !stoppingImproved && stopping.wait >= c.earlyStopping.patience) {
            result.stoppedEarly = true;
            result.stopReason = "early stopping";
            message("early stopping after epoch " + std::to_string(epoch + 1) + ": " + metricName(c.earlyStopping.monitor) + " has not improved for " +
                    std::to_string(c.earlyStopping.patience) + " epochs (best epoch " + std::to_string(stopping.bestEpoch + 1) + ")");
            break;
        }
    }

    result.bestEpoch = checkpoint.bestEpoch;
    result.bestValue = checkpoint.best;
    const bool restoresBestWeights = c.earlyStopping.enabled && c.earlyStopping.restoreBestWeights && stopping.bestEpoch >= 0;
    if (restoresBestWeights && bestWeightsInBestFile && parallel.isLeader())
        importWeights(*model, bestFile); // written when early stopping's monitor improved, see above
    else if (restoresBestWeights && !bestWeights.empty())
        restore(*model, bestWeights);
    model->eval();
    result.model = model;
    return result;
}

} // namespace neurodx
