#pragma once

#include "CommandLine.h"

#include "synthetic/AdniDownload.h"
#include "synthetic/PhantomGenerator.h"

#include <set>
#include <string>

namespace neurodx::cli {

// The phantom options `synth` and `demo` share, and how they become PhantomOptions.
std::vector<OptionSpec> phantomOptionSpecs();
PhantomOptions phantomOptionsFrom(const CliArguments& args);
// Writes the phantom dataset with a progress line on a terminal (nothing when quiet).
SyntheticDatasetSummary writeSyntheticWithProgress(const std::string& root, const PhantomOptions& options, bool quiet);

// `synth --scans`: the options of the 3D IDA-like download (whole MPRAGE scans and the collection CSV).
std::vector<OptionSpec> adniDownloadOptionSpecs();
AdniDownloadOptions adniDownloadOptionsFrom(const CliArguments& args);

} // namespace neurodx::cli
