#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace neurodx::cli {

int runScan(const std::vector<std::string>& argv)
{
    std::set<std::string> values = scanValueOptions();
    const CliArguments args(argv, values, {"json", "entries", "quiet", "no-dicom-headers"});
    args.requirePositional(1, "the dataset folder (neurodx-cli scan DIR)");
    ScanOptions options = scanOptionsFrom(args);
    options.readDicomHeaders = !args.flag("no-dicom-headers");

    const DatasetIndex index = scanWithProgress(args.positional()[0], options, args.flag("quiet") || args.flag("json"));
    if (args.flag("json"))
        std::cout << jsonText(index.toJson(args.flag("entries")), 2) << "\n";
    else
        std::cout << scanSummaryText(index);
    return 0;
}

} // namespace neurodx::cli
