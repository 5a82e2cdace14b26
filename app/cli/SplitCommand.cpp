#include "Commands.h"

#include "CommandContext.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace neurodx::cli {

namespace {

int runSplit(const CliArguments& args)
{
    SplitConfig config;
    config.mode = args.text("mode") == "slice" ? SplitMode::BySlice : SplitMode::BySubject;
    config.ratios = splitRatiosFrom(args, config.ratios);
    config.seed = static_cast<std::uint64_t>(args.integer("seed"));

    const DatasetIndex index = scanWithProgress(args.positional()[0], scanOptionsFrom(args), args.flag("quiet") || args.flag("json"));
    const DatasetSplit split = splitDataset(index, config);
    if (const auto output = args.value("output"))
        saveSplit(*output, index, split);

    if (args.flag("json")) {
        nlohmann::json j = splitToJson(index, split);
        j.erase("parts"); // the file has them; the summary stays readable
        if (const auto output = args.value("output"))
            j["output"] = *output;
        std::cout << jsonText(j, 2) << "\n";
    } else {
        std::cout << splitSummaryText(index, split);
        if (const auto output = args.value("output"))
            std::cout << "\nWritten: " << *output << "\n";
    }
    return 0;
}

} // namespace

CommandSpec splitCommand()
{
    const SplitConfig defaults;
    CommandSpec c;
    c.name = "split";
    c.summary = "Split a dataset into train, validation and test parts by subject (or by slice), stratified by class.";
    c.positionals = {{"DIR", "the dataset folder"}};
    c.options = {choiceOption("mode", "subject: every slice of a subject in one part (no leakage); slice: the seed's per-slice split",
                              defaults.mode == SplitMode::BySlice ? "slice" : "subject", {"subject", "slice"}),
                 textOption("ratios", "A,B,C", "Train, validation and test shares", ratiosText(defaults.ratios)),
                 wholeOption("seed", "Seed of the shuffle: the same seed gives the same split", static_cast<long long>(defaults.seed), 0, 2147483647),
                 textOption("output", "FILE", "Write the split to this JSON file, for train, tune and evaluate to reuse")};
    const std::vector<OptionSpec> scan = scanOptions();
    c.options.insert(c.options.end(), scan.begin(), scan.end());
    c.run = runSplit;
    return c;
}

} // namespace neurodx::cli
