#include "Commands.h"

#include "CliArguments.h"
#include "CommandContext.h"
#include "SynthOptions.h"

#include "common/JsonFile.h"
#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iostream>

namespace neurodx::cli {

std::vector<OptionSpec> phantomOptionSpecs()
{
    const PhantomOptions d;
    return {wholeOption("subjects-per-class", "Subjects written per class", d.subjectsPerClass, 1, 5000),
            wholeOption("slices", "Slices per subject", d.slicesPerSubject, 1, 200),
            wholeOption("size", "Width and height of a slice in pixels", d.size, 16, 1024),
            numberOption("difficulty", "How faint the class differences are: 0 obvious, 1 nearly invisible", d.difficulty, 0.0, 1.0),
            wholeOption("seed", "Seed of the generator: the same seed writes the same files", static_cast<long long>(d.seed), 0, 2147483647),
            choiceOption("format", "The files' format (mixed: some of each)", "png", {"png", "dicom", "mixed"})};
}

PhantomOptions phantomOptionsFrom(const CliArguments& args)
{
    const std::vector<OptionSpec> specs = phantomOptionSpecs();
    const auto spec = [&](const char* name) -> const OptionSpec& { return findOption(specs, name); };
    PhantomOptions options;
    options.subjectsPerClass = static_cast<int>(integerFrom(args, spec("subjects-per-class")));
    options.slicesPerSubject = static_cast<int>(integerFrom(args, spec("slices")));
    options.size = static_cast<int>(integerFrom(args, spec("size")));
    options.difficulty = numberFrom(args, spec("difficulty"));
    options.seed = static_cast<std::uint64_t>(integerFrom(args, spec("seed")));
    const std::string format = args.value("format", spec("format").defaultText);
    options.format = format == "dicom" ? PhantomOptions::Format::Dicom : format == "mixed" ? PhantomOptions::Format::Mixed : PhantomOptions::Format::Png;
    return options;
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

std::vector<OptionSpec> adniDownloadOptionSpecs()
{
    const AdniDownloadOptions d;
    return {wholeOption("subjects-per-class", "Subjects written per class", d.subjectsPerClass, 1, 1000),
            wholeOption("smc-subjects", "Subjects with significant memory concern (SMC), a group outside the classes", d.smcSubjects, 0, 1000),
            wholeOption("visits", "Visits (scans) per subject", d.visits, 1, 5),
            wholeOption("slices", "Slices of each scan", d.slices, 4, 512),
            wholeOption("size", "In-plane voxels of each scan", d.inPlaneVoxels, 8, 512),
            numberOption("difficulty", "How faint the class differences are: 0 obvious, 1 nearly invisible", d.difficulty, 0.0, 1.0),
            wholeOption("seed", "Seed of the generator: the same seed writes the same files", static_cast<long long>(d.seed), 0, 2147483647),
            numberOption("nifti-fraction", "Share of scans written as NIfTI instead of a DICOM series", d.niftiFraction, 0.0, 1.0),
            numberOption("axial-fraction", "Share of scans acquired axially instead of sagittally", d.axialFraction, 0.0, 1.0),
            numberOption("oblique-fraction", "Share of scans acquired at an oblique angle", d.obliqueFraction, 0.0, 1.0)};
}

AdniDownloadOptions adniDownloadOptionsFrom(const CliArguments& args)
{
    const std::vector<OptionSpec> specs = adniDownloadOptionSpecs();
    const auto spec = [&](const char* name) -> const OptionSpec& { return findOption(specs, name); };
    AdniDownloadOptions options;
    options.subjectsPerClass = static_cast<int>(integerFrom(args, spec("subjects-per-class")));
    options.smcSubjects = static_cast<int>(integerFrom(args, spec("smc-subjects")));
    options.visits = static_cast<int>(integerFrom(args, spec("visits")));
    options.slices = static_cast<int>(integerFrom(args, spec("slices")));
    options.inPlaneVoxels = static_cast<int>(integerFrom(args, spec("size")));
    options.difficulty = numberFrom(args, spec("difficulty"));
    options.seed = static_cast<std::uint64_t>(integerFrom(args, spec("seed")));
    options.niftiFraction = numberFrom(args, spec("nifti-fraction"));
    options.axialFraction = numberFrom(args, spec("axial-fraction"));
    options.obliqueFraction = numberFrom(args, spec("oblique-fraction"));
    return options;
}

namespace {

int runSynthScans(const CliArguments& args)
{
    if (args.value("format"))
        throw UsageError{"--format applies to 2D slices; --scans writes DICOM series and NIfTI (see --nifti-fraction)"};
    const AdniDownloadOptions options = adniDownloadOptionsFrom(args);
    const bool showProgress = !(args.flag("quiet") || args.flag("json")) && stderrIsTerminal();
    std::function<void(int, int)> progress;
    if (showProgress)
        progress = [](int done, int total) { std::fprintf(stderr, "\rwriting synthetic scans: %d / %d", done, total); };
    const AdniDownloadSummary summary = writeSyntheticAdniDownload(args.positional()[0], options, nullptr, progress);
    if (showProgress)
        std::fprintf(stderr, "\n");
    int nifti = 0;
    for (const AdniScan& scan : summary.scans)
        nifti += scan.kind == "NIfTI" ? 1 : 0;
    if (args.flag("json")) {
        nlohmann::json scans = nlohmann::json::array();
        for (const AdniScan& scan : summary.scans)
            scans.push_back({{"path", scan.path.string()}, {"kind", scan.kind}, {"subject", scan.subject}, {"group", scan.group},
                             {"class", scan.className}, {"visit", scan.visit}, {"image_id", "I" + std::to_string(scan.imageId)},
                             {"stored_axes", scan.storedAxes}, {"slices", scan.slices}, {"files", scan.files}});
        std::cout << jsonText(nlohmann::json{{"root", summary.root.string()},
                                    {"csv", summary.csvPath.string()},
                                    {"subjects", summary.subjects},
                                    {"scans", scans},
                                    {"dicom_scans", summary.scans.size() - static_cast<std::size_t>(nifti)},
                                    {"nifti_scans", nifti},
                                    {"files", summary.files},
                                    {"size", options.inPlaneVoxels},
                                    {"slices", options.slices},
                                    {"seed", options.seed}})
                  << "\n";
    } else {
        std::cout << "Wrote " << summary.scans.size() << " synthetic MPRAGE scans (" << summary.scans.size() - static_cast<std::size_t>(nifti)
                  << " DICOM series, " << nifti << " NIfTI; " << summary.files << " files) of " << summary.subjects << " subjects to "
                  << summary.root.string() << "\n"
                  << "Collection CSV: " << summary.csvPath.string() << "\n"
                  << "Synthetic phantoms for testing and demos: not patient data.\n";
    }
    return 0;
}


int runSynth(const CliArguments& args)
{
    if (args.flag("scans"))
        return runSynthScans(args);
    const std::vector<OptionSpec> phantom = phantomOptionSpecs();
    for (const OptionSpec& option : adniDownloadOptionSpecs())
        if (args.value(option.name) && std::none_of(phantom.begin(), phantom.end(), [&](const OptionSpec& o) { return o.name == option.name; }))
            throw UsageError{"--" + option.name + " applies to 3D scans: add --scans"};
    const PhantomOptions options = phantomOptionsFrom(args);
    const SyntheticDatasetSummary summary = writeSyntheticWithProgress(args.positional()[0], options, args.flag("quiet") || args.flag("json"));
    if (args.flag("json")) {
        std::cout << jsonText(nlohmann::json{{"root", summary.root.string()},
                                    {"classes", options.classNames},
                                    {"subjects", summary.subjects},
                                    {"images", summary.images},
                                    {"size", options.size},
                                    {"seed", options.seed},
                                    {"difficulty", options.difficulty}})
                  << "\n";
    } else {
        std::cout << "Wrote " << summary.images << " synthetic slices of " << summary.subjects << " subjects ("
                  << options.subjectsPerClass << " per class, " << options.slicesPerSubject << " slices each, "
                  << options.size << "x" << options.size << ") to " << summary.root.string() << "\n"
                  << "Synthetic phantoms for testing and demos: not patient data.\n";
    }
    return 0;
}

} // namespace

CommandSpec synthCommand()
{
    CommandSpec c;
    c.name = "synth";
    c.summary = "Write the synthetic ADNI-like phantom dataset (2D slices, or 3D scans with --scans).";
    c.notes = "Slices go to class folders; --scans writes MPRAGE scans laid out as an ADNI IDA download, with its\n"
              "collection CSV. Synthetic phantoms for testing and demos: not patient data.\n";
    c.positionals = {{"DIR", "the output folder"}};
    c.options = mergeModeOptions(phantomOptionSpecs(), adniDownloadOptionSpecs(), "--scans");
    c.options.push_back(switchOption("scans", "Write 3D scans (DICOM series and NIfTI) instead of 2D slices"));
    c.run = runSynth;
    return c;
}

} // namespace neurodx::cli
