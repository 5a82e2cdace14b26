#include "TrainingEta.h"

#include <algorithm>

namespace neurodx {

TrainingTimeLeft trainingTimeLeft(int epoch, int epochs, int batch, int batchesPerEpoch, double epochSecondsSoFar, double lastEpochSeconds)
{
    TrainingTimeLeft left;
    if (batch <= 0 || batchesPerEpoch <= 0 || epochSecondsSoFar <= 0)
        return left;
    const double perBatch = epochSecondsSoFar / batch;
    left.epochSeconds = perBatch * std::max(0, batchesPerEpoch - batch);
    const double laterEpoch = lastEpochSeconds > 0 ? lastEpochSeconds : perBatch * batchesPerEpoch;
    left.runSeconds = left.epochSeconds + laterEpoch * std::max(0, epochs - epoch - 1);
    return left;
}

} // namespace neurodx
