#pragma once

#include "CliArguments.h"

#include "dataset/DatasetIndex.h"
#include "dataset/DatasetScanner.h"
#include "dataset/Split.h"

#include <set>
#include <string>

namespace neurodx::cli {

// The dataset scanner's options (scanOptions()) as given.
ScanOptions scanOptionsFrom(const CliArguments& args);

// --ratios train,validation,test (e.g. 0.8,0.1,0.1); `fallback` when absent. The splitter checks
// that they add up to 1.
std::array<double, kSplitParts> splitRatiosFrom(const CliArguments& args, const std::array<double, kSplitParts>& fallback);

// "0.8,0.1,0.1"
std::string ratiosText(const std::array<double, kSplitParts>& ratios);

// Scans with a progress line on stderr when it is a terminal (and not --quiet).
DatasetIndex scanWithProgress(const std::string& root, const ScanOptions& options, bool quiet);

std::string scanSummaryText(const DatasetIndex& index, std::size_t maxSkippedListed = 20);
std::string splitSummaryText(const DatasetIndex& index, const DatasetSplit& split);

bool stderrIsTerminal();

} // namespace neurodx::cli
