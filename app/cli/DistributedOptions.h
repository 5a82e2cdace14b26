#pragma once

#include "CliArguments.h"
#include "CommandLine.h"
#include "TrainingOptions.h"

#include "distributed/DistributedGroup.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace neurodx::cli {

// --distributed and --distributed-timeout, for the commands that can run as one rank of a torchrun job.
std::vector<OptionSpec> distributedOptions();

// This process's part in the job: alone (no --distributed and WORLD_SIZE unset or 1), or one rank of
// the job torchrun's environment describes, joined at construction (which waits for every rank).
// Rank 0 chooses or creates the output folder (--output, else a new one in the runs folder) and
// tells the others; only rank 0 prints progress and results.
class JobMembership {
public:
    // `sharedStop`: a stop on any rank stops this control on every rank (DistributedGroup::shareStop);
    // it must outlive the membership.
    JobMembership(const CliArguments& args, const std::string& outputKind, TrainingControl* sharedStop = nullptr);

    DistributedGroup* group() const { return m_group.get(); }
    bool isLeader() const { return !m_group || m_group->isLeader(); }
    const std::filesystem::path& output() const { return m_output; }

private:
    std::unique_ptr<DistributedGroup> m_group;
    std::optional<OutputFolder> m_created;
    std::filesystem::path m_output;
};

} // namespace neurodx::cli
