#pragma once

#include "training/MonitoredMetric.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// One epoch's figures, in Keras' names.
struct EpochRecord {
    int epoch = 0; // 0-based in memory; shown and written from 1 (see historyCsv)
    double loss = 0, accuracy = 0;
    double valLoss = 0, valAccuracy = 0; // NaN when there is no validation part
    double learningRate = 0;
    double seconds = 0;

    double value(MonitoredMetric metric) const;
};

// Whether `candidate` improves on `best` for `monitor` (losses fall, accuracies rise) by more than
// `minDelta`, as Keras' callbacks decide.
bool improves(MonitoredMetric monitor, double candidate, double best, double minDelta = 0.0);
double worstValue(MonitoredMetric monitor);

// What ModelCheckpoint watches to choose best.pt: val_loss, or loss when there is no validation part.
MonitoredMetric checkpointMonitor(bool hasValidation);
// The epoch best.pt holds (its index in `history`): the first epoch that improved checkpointMonitor
// last, by the same rule the trainer uses while it trains; -1 for an empty history. The one rule
// behind the trainer's checkpoint, the curves' best-epoch mark and a run folder read back.
int checkpointEpoch(const std::vector<EpochRecord>& history);

// history.csv with Keras CSVLogger's columns (epoch,acc,loss,lr,val_acc,val_loss) plus seconds.
// Epochs are numbered from 1, as the console and every summary number them (Keras' CSVLogger writes
// from 0 while fit() prints from 1; NeuroDx uses one convention everywhere).
std::string historyCsv(const std::vector<EpochRecord>& history);
// Reads history.csv back (for resuming and reopening runs); files written before 0.9 number epochs
// from 0 and are read as such. Throws NeuroDxError naming the file.
std::vector<EpochRecord> readHistoryCsv(const std::filesystem::path& file);

} // namespace neurodx
