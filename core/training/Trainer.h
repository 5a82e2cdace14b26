#pragma once

#include "training/SliceCache.h"
#include "training/TrainingConfig.h"
#include "training/TrainingControl.h"
#include "training/TrainingHistory.h"

#include "ModelSummary.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

class Classifier; // models/Classifier.h: LibTorch stays out of this header
class DistributedGroup; // distributed/DistributedGroup.h: c10d too

// Progress for the caller: the model's summary before training, after every batch (running epoch
// means), after every epoch (the full record), and messages (checkpoint written after its epoch's
// record, early stop, learning rate reduced, warnings).
struct TrainingEvent {
    enum class Kind { Batch, Epoch, Message, Model };
    Kind kind = Kind::Batch;
    int epoch = 0;            // 0-based
    int epochs = 0;
    int batch = 0;            // 1-based within the epoch
    int batchesPerEpoch = 0;
    double loss = 0;          // this batch's loss (Kind::Batch)
    double accuracy = 0;      // this batch's accuracy (Kind::Batch)
    double runningLoss = 0;   // epoch mean so far
    double runningAccuracy = 0;
    double slicesPerSecond = 0;
    double epochSeconds = 0;  // time spent in this epoch so far (Kind::Batch)
    EpochRecord record;       // Kind::Epoch
    std::string message;      // Kind::Message
    ModelSummary summary;     // Kind::Model: once, before the first epoch
};

struct TrainingData {
    const SliceCache* train = nullptr;
    const SliceCache* validation = nullptr; // may be empty when the split has no validation part
    std::vector<std::string> classNames;
    // Where checkpoints and history go (config.json, history.csv, best.pt, last.pt); empty: nowhere.
    std::filesystem::path runFolder;
    // Continue the run in `runFolder` from its last.pt, optimizer state and history.
    bool resume = false;
    // Weights to start from (ImageNet weights for resnet50v2, a previous model...): a NeuroDx model
    // file or a TorchScript archive, matched by tensor name. Empty: train from scratch.
    std::filesystem::path initialWeights;
    // Merged into every checkpoint's metadata (dataset fingerprint, split, ...).
    nlohmann::json checkpointMetadata = nlohmann::json::object();
    // Data-parallel training with the other ranks of this group (null: this process alone). Every
    // rank passes the same slices and settings; the batch size is each rank's share. Only rank 0
    // reads and writes the run folder; a resume sends its state to the others.
    DistributedGroup* group = nullptr;
};

// One training batch, as Keras' per-batch logs record it.
struct BatchRecord {
    int epoch = 0;
    int batch = 0; // 1-based
    double loss = 0;
    double accuracy = 0;
};

struct TrainingResult {
    std::vector<EpochRecord> history;
    std::vector<BatchRecord> batches; // this session's batches (not those before a resume)
    int bestEpoch = -1;          // by the checkpoint monitor (val_loss by default)
    double bestValue = 0;
    bool stoppedEarly = false;
    bool cancelled = false;
    std::string stopReason;      // "completed", "early stopping", "cancelled", "loss is NaN"
    std::string weightsReport;   // what the initial-weights import took, or "trained from scratch"
    std::shared_ptr<Classifier> model; // best weights when restore_best_weights, else the last
};

// The seed's training loop, in LibTorch: Adam (Keras defaults), sparse categorical cross-entropy,
// per-epoch reshuffle, training-only augmentation, validation every epoch, and Keras' callbacks
// (EarlyStopping, ModelCheckpoint best-only on val_loss, CSVLogger, TerminateOnNaN,
// ReduceLROnPlateau). Blocks: call it from a worker thread.
class Trainer {
public:
    using EventSink = std::function<void(const TrainingEvent&)>;
    Trainer(TrainingConfig config, EventSink onEvent = {});

    // Throws NeuroDxError for unusable data or configuration, and when a checkpoint cannot be
    // written or a resume folder cannot be read. Cancelling is not an error: the result says so and
    // best.pt / last.pt stay valid.
    TrainingResult run(const TrainingData& data, TrainingControl& control);

private:
    TrainingConfig m_config;
    EventSink m_onEvent;
};

// Keras' class_weight="balanced": n_samples / (n_classes * n_c); 0 for absent classes.
std::vector<double> balancedClassWeights(const std::vector<int>& labels, int classes);

} // namespace neurodx
