#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace neurodx {

// Where this process stands in a data-parallel job, as torchrun (or Slurm, or a hand-written
// launcher) describes it in the environment: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT,
// LOCAL_RANK, LOCAL_WORLD_SIZE. Free of LibTorch, so that the CLI reads it without c10d.
struct DistributedSetup {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    int localWorldSize = 1;
    std::string masterAddress = "127.0.0.1";
    int masterPort = 29500;
    // torchrun's static rendezvous (--master_addr without --rdzv_backend) hosts the store in its
    // agent: every rank is then a client under /worker/attempt_<restart>, as PyTorch's env:// does.
    bool agentHostsStore = false;
    int restartCount = 0;
    // How long a rank waits for the others (joining, and in every collective) before it gives up
    // and says which rank it was waiting with.
    std::chrono::seconds timeout{300};

    bool isLeader() const { return rank == 0; }
    // "rank 1 of 4"
    std::string rankText() const;
};

using Environment = std::map<std::string, std::string>;

// The variables above as this process sees them (only those that are set).
Environment distributedEnvironment();

// True when the environment describes a job of more than one process (WORLD_SIZE > 1).
bool environmentRequestsDistributed(const Environment& environment);

// Reads the job from the environment. Throws NeuroDxError(InvalidArgument) naming the variable that
// is missing or out of range (RANK 3 with WORLD_SIZE 2, a port of 70000, ...) and saying how the
// job is normally launched.
DistributedSetup distributedSetupFrom(const Environment& environment, std::chrono::seconds timeout);

} // namespace neurodx
