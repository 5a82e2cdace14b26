#include "Commands.h"

#include "common/JsonFile.h"

#include "CommandContext.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace neurodx::cli {

namespace {

int runScan(const CliArguments& args)
{
    ScanOptions options = scanOptionsFrom(args);
    options.readDicomHeaders = !args.flag("no-dicom-headers");

    const DatasetIndex index = scanWithProgress(args.positional()[0], options, args.flag("quiet") || args.flag("json"));
    if (args.flag("json"))
        std::cout << jsonText(index.toJson(args.flag("entries")), 2) << "\n";
    else
        std::cout << scanSummaryText(index);
    return 0;
}

} // namespace

CommandSpec scanCommand()
{
    CommandSpec c;
    c.name = "scan";
    c.summary = "Count images and subjects per class in a dataset folder (CN/MCI/AD subfolders).";
    c.positionals = {{"DIR", "the dataset folder"}};
    c.options = scanOptions();
    c.options.push_back(switchOption("entries", "With --json: list every image found, not only the counts"));
    c.options.push_back(switchOption("no-dicom-headers", "Take subjects from file names only: faster, but blind to DICOM Patient IDs"));
    c.run = runScan;
    return c;
}

} // namespace neurodx::cli
