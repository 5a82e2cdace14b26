#pragma once

#include <string>

namespace neurodx {
class DistributedGroup;
}

namespace neurodx::bench {

// One rank's view of data-parallel training steps (3x256x256, float32, `batchPerRank` slices): the
// median whole step (forward, backward, gradient allreduce, Adam) and the median gradient exchange
// alone (bucket copies, Gloo allreduce, division), over `steps` steps after one warm-up.
struct AllreduceTiming {
    double stepMilliseconds = 0;
    double allreduceMilliseconds = 0;
    double gradientMegabytes = 0;
    int buckets = 0;
};
AllreduceTiming allreduceTiming(DistributedGroup& group, const std::string& architecture, int batchPerRank, int steps, int threads);

} // namespace neurodx::bench
