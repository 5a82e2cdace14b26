#include "DistributedSetup.h"

#include "common/NeuroDxError.h"

#include <cstdlib>
#include <limits>

namespace neurodx {

namespace {

const char* const kVariables[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
                                  "TORCHELASTIC_USE_AGENT_STORE", "TORCHELASTIC_RESTART_COUNT"};

const char* const kLaunchHint = " (start every process with torchrun --no_python, or set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT)";

int wholeNumber(const Environment& environment, const std::string& name, int minimum, int maximum, std::optional<int> fallback)
{
    const auto it = environment.find(name);
    if (it == environment.end() || it->second.empty()) {
        if (fallback)
            return *fallback;
        throw NeuroDxError(ErrorKind::InvalidArgument, "distributed training needs " + name + " in the environment" + kLaunchHint);
    }
    const std::string& text = it->second;
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || value < minimum || value > maximum)
        throw NeuroDxError(ErrorKind::InvalidArgument, name + "=" + text + " is not a whole number from " + std::to_string(minimum) + " to " +
                                                           std::to_string(maximum) + kLaunchHint);
    return static_cast<int>(value);
}

} // namespace

std::string DistributedSetup::rankText() const
{
    return "rank " + std::to_string(rank) + " of " + std::to_string(worldSize);
}

Environment distributedEnvironment()
{
    Environment environment;
    for (const char* name : kVariables) {
        if (const char* value = std::getenv(name))
            environment[name] = value;
    }
    return environment;
}

bool environmentRequestsDistributed(const Environment& environment)
{
    const auto it = environment.find("WORLD_SIZE");
    if (it == environment.end())
        return false;
    char* end = nullptr;
    const long value = std::strtol(it->second.c_str(), &end, 10);
    return end != it->second.c_str() && *end == '\0' && value > 1;
}

DistributedSetup distributedSetupFrom(const Environment& environment, std::chrono::seconds timeout)
{
    constexpr int kMaxRanks = 65536;
    DistributedSetup setup;
    setup.worldSize = wholeNumber(environment, "WORLD_SIZE", 1, kMaxRanks, std::nullopt);
    setup.rank = wholeNumber(environment, "RANK", 0, setup.worldSize - 1, std::nullopt);
    setup.localWorldSize = wholeNumber(environment, "LOCAL_WORLD_SIZE", 1, setup.worldSize, 1);
    setup.localRank = wholeNumber(environment, "LOCAL_RANK", 0, setup.localWorldSize - 1, 0);
    setup.masterPort = wholeNumber(environment, "MASTER_PORT", 1, 65535, std::nullopt);
    const auto address = environment.find("MASTER_ADDR");
    if (address == environment.end() || address->second.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, std::string("distributed training needs MASTER_ADDR in the environment") + kLaunchHint);
    setup.masterAddress = address->second;
    const auto agentStore = environment.find("TORCHELASTIC_USE_AGENT_STORE");
    setup.agentHostsStore = agentStore != environment.end() && agentStore->second == "True";
    setup.restartCount = wholeNumber(environment, "TORCHELASTIC_RESTART_COUNT", 0, std::numeric_limits<int>::max(), 0);
    if (timeout.count() < 1)
        throw NeuroDxError(ErrorKind::InvalidArgument, "the distributed timeout must be at least one second");
    setup.timeout = timeout;
    return setup;
}

} // namespace neurodx
