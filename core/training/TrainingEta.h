#pragma once

// How long a training in progress still needs: the one rule behind the CLI's progress bar and the
// GUI's "left" figure.
namespace neurodx {

struct TrainingTimeLeft {
    double epochSeconds = 0; // the rest of this epoch's training batches (validation comes after), as Keras' bar shows
    double runSeconds = 0;   // that plus every later epoch, if early stopping does not end the run sooner
};

// `batch` of `batchesPerEpoch` done in `epochSecondsSoFar` of epoch `epoch` (0-based) of `epochs`.
// This epoch's remaining batches go at this epoch's pace so far; each later epoch takes as long as
// `lastEpochSeconds` (the last finished epoch, validation included), or, before one has finished,
// as long as this epoch's batches at their pace. Zero before the first batch is done.
TrainingTimeLeft trainingTimeLeft(int epoch, int epochs, int batch, int batchesPerEpoch, double epochSecondsSoFar, double lastEpochSeconds);

} // namespace neurodx
