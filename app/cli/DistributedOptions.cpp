#include "DistributedOptions.h"

#include "distributed/DistributedSetup.h"

namespace neurodx::cli {

namespace {

std::unique_ptr<DistributedGroup> joinRequestedJob(const CliArguments& args)
{
    const Environment environment = distributedEnvironment();
    if (!args.flag("distributed") && !environmentRequestsDistributed(environment))
        return nullptr;
    const DistributedSetup setup = distributedSetupFrom(environment, std::chrono::seconds(args.integer("distributed-timeout")));
    return std::make_unique<DistributedGroup>(setup);
}

} // namespace

std::vector<OptionSpec> distributedOptions()
{
    return {switchOption("distributed",
                         "Run as one rank of a job described by torchrun's environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT); "
                         "implied when WORLD_SIZE > 1. train: data-parallel, --batch-size is each rank's share; cv and tune: the "
                         "folds or trials are shared out"),
            wholeOption("distributed-timeout", "Seconds a rank waits for the others (in every exchange, and for one that stopped answering; joining waits at least 60) before it stops with an error",
                        300, 1, 86400)};
}

JobMembership::JobMembership(const CliArguments& args, const std::string& outputKind, TrainingControl* sharedStop) : m_group(joinRequestedJob(args))
{
    if (m_group && sharedStop)
        m_group->shareStop(*sharedStop);
    if (!m_group) {
        m_created.emplace(args, outputKind);
        m_output = m_created->path();
        return;
    }
    // Rank 0 creates it; when it cannot, every rank says why.
    m_output = m_group->runOnLeader("creating the output folder", [&] {
        m_created.emplace(args, outputKind);
        return m_created->path().string();
    });
}

} // namespace neurodx::cli
