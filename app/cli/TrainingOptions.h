#pragma once

#include "CliArguments.h"
#include "CommandLine.h"

#include "training/TrainingJob.h"

#include <filesystem>
#include <set>
#include <string>

namespace neurodx::cli {

// The options train, tune, cv, audit and demo share, declared from the training settings
// (TrainingSettings), and how they become a TrainingConfig.
// `defaults`: what the command trains with when an option is absent (demo: demoTrainingConfig()).
std::vector<OptionSpec> trainingOptionSpecs(const TrainingConfig& defaults = {});
TrainingConfig trainingConfigFrom(const CliArguments& args, TrainingConfig defaults = {});
// One line per training option: flag, help, range and default, all from the declarations.
std::string trainingOptionsHelp();

// Where train, tune, cv and audit write: --output when given, else a new folder
// <yyyyMMdd-HHmmss>-<kind> in the runs root the GUI lists too (defaultRunsRoot()). A folder made
// here that is still empty when the command ends (it failed before writing anything) is removed.
class OutputFolder {
public:
    OutputFolder(const CliArguments& args, const std::string& kind);
    ~OutputFolder();
    OutputFolder(const OutputFolder&) = delete;
    OutputFolder& operator=(const OutputFolder&) = delete;

    const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
    bool m_created = false;
};

} // namespace neurodx::cli
