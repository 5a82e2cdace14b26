#pragma once

#include "CliArguments.h"

#include "training/TrainingJob.h"

#include <set>
#include <string>

namespace neurodx::cli {

// The options `train` and `demo` share, and how they become a TrainingConfig.
std::set<std::string> trainingValueOptions();
std::set<std::string> trainingFlagOptions();
TrainingConfig trainingConfigFrom(const CliArguments& args, TrainingConfig defaults = {});

} // namespace neurodx::cli
