#include "Commands.h"

#include "CommandContext.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace neurodx::cli {

int runSplit(const std::vector<std::string>& argv)
{
    std::set<std::string> values = scanValueOptions();
    values.insert({"mode", "ratios", "seed", "output"});
    const CliArguments args(argv, values, {"json", "quiet"});
    args.requirePositional(1, "the dataset folder (neurodx-cli split DIR)");

    SplitConfig config;
    const std::string mode = args.value("mode", "subject");
    if (mode == "subject")
        config.mode = SplitMode::BySubject;
    else if (mode == "slice")
        config.mode = SplitMode::BySlice;
    else
        throw UsageError{"--mode must be 'subject' or 'slice', not '" + mode + "'"};
    config.ratios = splitRatiosFrom(args, config.ratios);
    config.seed = static_cast<std::uint64_t>(args.intValue("seed", 42, 0, 2147483647));

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

} // namespace neurodx::cli
