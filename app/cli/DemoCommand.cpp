#include "Commands.h"

#include "CliArguments.h"
#include "CommandContext.h"

#include "common/Version.h"
#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

namespace neurodx::cli {

PhantomOptions phantomOptionsFrom(const CliArguments& args);
std::set<std::string> phantomValueOptions();
SyntheticDatasetSummary writeSyntheticWithProgress(const std::string& root, const PhantomOptions& options, bool quiet);

// The built-in demo: synthesise the phantom dataset, scan it, split it by subject, and show what a
// researcher would see for a real ADNI export.
int runDemo(const std::vector<std::string>& argv)
{
    std::set<std::string> values = phantomValueOptions();
    values.insert("output");
    const CliArguments args(argv, values, {"json", "quiet"});
    args.requirePositional(0, "");
    const std::string root = args.value("output", (std::filesystem::temp_directory_path() / "neurodx-demo").string());
    const bool quiet = args.flag("quiet") || args.flag("json");

    const PhantomOptions options = phantomOptionsFrom(args);
    writeSyntheticWithProgress(root, options, quiet);
    const DatasetIndex index = scanWithProgress(root, ScanOptions{}, quiet);
    const DatasetSplit split = splitDataset(index, SplitConfig{});
    saveSplit(std::filesystem::path(root) / "split.json", index, split);

    if (args.flag("json")) {
        nlohmann::json j = {{"root", root}, {"scan", index.toJson()}, {"split", splitToJson(index, split)}};
        j["split"].erase("parts");
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << "NeuroDx " << kVersion << " demo on synthetic phantoms\n" << kResearchNotice << "\n\n"
              << scanSummaryText(index) << "\n" << splitSummaryText(index, split)
              << "\nSplit written to " << (std::filesystem::path(root) / "split.json").string() << "\n";
    return 0;
}

} // namespace neurodx::cli
