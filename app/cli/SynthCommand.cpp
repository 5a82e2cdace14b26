#include "Commands.h"

#include "CliArguments.h"
#include "CommandContext.h"
#include "SynthOptions.h"

#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace neurodx::cli {

PhantomOptions phantomOptionsFrom(const CliArguments& args)
{
    PhantomOptions options;
    options.subjectsPerClass = args.intValue("subjects-per-class", options.subjectsPerClass, 1, 5000);
    options.slicesPerSubject = args.intValue("slices", options.slicesPerSubject, 1, 200);
    options.size = args.intValue("size", options.size, 16, 1024);
    options.difficulty = args.doubleValue("difficulty", options.difficulty, 0.0, 1.0);
    options.seed = static_cast<std::uint64_t>(args.intValue("seed", 42, 0, 2147483647));
    const std::string format = args.value("format", "png");
    if (format == "png")
        options.format = PhantomOptions::Format::Png;
    else if (format == "dicom")
        options.format = PhantomOptions::Format::Dicom;
    else if (format == "mixed")
        options.format = PhantomOptions::Format::Mixed;
    else
        throw UsageError{"--format must be png, dicom or mixed, not '" + format + "'"};
    return options;
}

std::set<std::string> phantomValueOptions()
{
    return {"subjects-per-class", "slices", "size", "difficulty", "seed", "format"};
}

SyntheticDatasetSummary writeSyntheticWithProgress(const std::string& root, const PhantomOptions& options, bool quiet)
{
    const bool showProgress = !quiet && stderrIsTerminal();
    std::function<void(int, int)> progress;
    if (showProgress)
        progress = [](int done, int total) {
            if (done % 50 == 0 || done == total)
                std::fprintf(stderr, "\rwriting synthetic slices: %d / %d", done, total);
        };
    SyntheticDatasetSummary summary = writeSyntheticDataset(root, options, nullptr, progress);
    if (showProgress)
        std::fprintf(stderr, "\n");
    return summary;
}

int runSynth(const std::vector<std::string>& argv)
{
    const CliArguments args(argv, phantomValueOptions(), {"json", "quiet"});
    args.requirePositional(1, "the output folder (neurodx-cli synth OUT_DIR)");
    const PhantomOptions options = phantomOptionsFrom(args);
    const SyntheticDatasetSummary summary = writeSyntheticWithProgress(args.positional()[0], options, args.flag("quiet") || args.flag("json"));
    if (args.flag("json")) {
        std::cout << nlohmann::json{{"root", summary.root.string()},
                                    {"classes", options.classNames},
                                    {"subjects", summary.subjects},
                                    {"images", summary.images},
                                    {"size", options.size},
                                    {"seed", options.seed},
                                    {"difficulty", options.difficulty}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << "Wrote " << summary.images << " synthetic slices of " << summary.subjects << " subjects ("
                  << options.subjectsPerClass << " per class, " << options.slicesPerSubject << " slices each, "
                  << options.size << "x" << options.size << ") to " << summary.root.string() << "\n"
                  << "Synthetic phantoms for testing and demos: not patient data.\n";
    }
    return 0;
}

} // namespace neurodx::cli
