#pragma once

#include "CliArguments.h"

#include "synthetic/PhantomGenerator.h"

#include <set>
#include <string>

namespace neurodx::cli {

// The phantom options `synth` and `demo` share, and how they become PhantomOptions.
std::set<std::string> phantomValueOptions();
PhantomOptions phantomOptionsFrom(const CliArguments& args);
// Writes the phantom dataset with a progress line on a terminal (nothing when quiet).
SyntheticDatasetSummary writeSyntheticWithProgress(const std::string& root, const PhantomOptions& options, bool quiet);

} // namespace neurodx::cli
