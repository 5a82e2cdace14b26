#include "Commands.h"

#include "CliArguments.h"
#include "TextTable.h"

#include "common/AtomicFile.h"
#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"
#include "common/ComputeSetup.h"
#include "dataset/ImageFiles.h"
#include "inference/Predictor.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

// Files named directly, and image files (by content) found recursively in folders, junk skipped.
std::vector<fs::path> inputFiles(const std::vector<std::string>& arguments)
{
    std::vector<fs::path> files;
    for (const std::string& argument : arguments) {
        const fs::path path(argument);
        if (!fs::is_directory(path)) {
            files.push_back(path); // missing files get their error in the result
            continue;
        }
        const std::vector<fs::path> found = imageFilesIn(path);
        files.insert(files.end(), found.begin(), found.end());
    }
    return files;
}

std::string percent(double v)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", v * 100.0);
    return text;
}

} // namespace

int runPredict(const std::vector<std::string>& argv)
{
    const CliArguments args(argv, {"format", "output", "threads", "precision"}, {"json", "quiet"});
    if (args.positional().size() < 2)
        throw UsageError{"predict takes a model file and one or more images or folders (neurodx-cli predict MODEL FILE|DIR...)"};
    const std::string format = args.flag("json") ? "json" : args.value("format", "table");
    if (format != "table" && format != "csv" && format != "json")
        throw UsageError{"--format must be table, csv or json"};
    setComputeThreads(args.intValue("threads", 0, 0, 1024));

    Predictor predictor = Predictor::fromFile(args.positional()[0], inferencePrecisionFromName(args.value("precision", "auto")));
    const std::vector<fs::path> files = inputFiles({args.positional().begin() + 1, args.positional().end()});
    if (files.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "no image files found in the given folders");
    const std::vector<Prediction> predictions = predictor.predictFiles(files);
    const auto& classes = predictor.classNames();

    std::string text;
    if (format == "csv") {
        text = predictionsCsv(predictions, classes);
    } else if (format == "json") {
        nlohmann::json list = nlohmann::json::array();
        for (const Prediction& p : predictions)
            list.push_back(toJson(p, classes));
        text = nlohmann::json{{"model", args.positional()[0]}, {"class_names", classes}, {"predictions", list}}.dump(2) + "\n";
    } else {
        std::vector<std::string> header{"file", "prediction", "confidence"};
        for (const std::string& c : classes)
            header.push_back("p(" + c + ")");
        TextTable table(header);
        for (const Prediction& p : predictions) {
            std::vector<std::string> row{p.file};
            if (!p.error.empty()) {
                row.push_back("error: " + p.error);
            } else {
                row.push_back(classes.at(static_cast<std::size_t>(p.predicted)));
                row.push_back(percent(p.confidence));
                for (double v : p.probabilities)
                    row.push_back(percent(v));
            }
            table.addRow(row);
        }
        text = table.render() + "\nResearch use only - not a medical device.\n";
    }
    if (const auto output = args.value("output"))
        writeFileAtomically(*output, text);
    else
        std::cout << text;

    const bool anyFailed = std::any_of(predictions.begin(), predictions.end(), [](const Prediction& p) { return !p.error.empty(); });
    for (const Prediction& p : predictions) {
        if (!p.error.empty())
            std::cerr << "neurodx-cli predict: " << p.error << "\n";
    }
    return anyFailed ? 1 : 0;
}

} // namespace neurodx::cli
