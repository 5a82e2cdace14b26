#include "Commands.h"

#include "CliArguments.h"
#include "CommandContext.h"
#include "SynthOptions.h"

#include "common/JsonFile.h"
#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>
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

std::set<std::string> adniDownloadValueOptions()
{
    return {"subjects-per-class", "smc-subjects", "visits", "slices", "size", "difficulty", "seed", "nifti-fraction", "axial-fraction",
            "oblique-fraction"};
}

AdniDownloadOptions adniDownloadOptionsFrom(const CliArguments& args)
{
    AdniDownloadOptions options;
    options.subjectsPerClass = args.intValue("subjects-per-class", options.subjectsPerClass, 1, 1000);
    options.smcSubjects = args.intValue("smc-subjects", options.smcSubjects, 0, 1000);
    options.visits = args.intValue("visits", options.visits, 1, 5);
    options.slices = args.intValue("slices", options.slices, 4, 512);
    options.inPlaneVoxels = args.intValue("size", options.inPlaneVoxels, 8, 512);
    options.difficulty = args.doubleValue("difficulty", options.difficulty, 0.0, 1.0);
    options.seed = static_cast<std::uint64_t>(args.intValue("seed", 42, 0, 2147483647));
    options.niftiFraction = args.doubleValue("nifti-fraction", options.niftiFraction, 0.0, 1.0);
    options.axialFraction = args.doubleValue("axial-fraction", options.axialFraction, 0.0, 1.0);
    options.obliqueFraction = args.doubleValue("oblique-fraction", options.obliqueFraction, 0.0, 1.0);
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

} // namespace

int runSynth(const std::vector<std::string>& argv)
{
    std::set<std::string> values = phantomValueOptions();
    const std::set<std::string> scanValues = adniDownloadValueOptions();
    values.insert(scanValues.begin(), scanValues.end());
    const CliArguments args(argv, values, {"json", "quiet", "scans"});
    args.requirePositional(1, "the output folder (neurodx-cli synth OUT_DIR)");
    if (args.flag("scans"))
        return runSynthScans(args);
    for (const std::string& name : scanValues)
        if (!phantomValueOptions().count(name) && args.value(name))
            throw UsageError{"--" + name + " applies to 3D scans: add --scans"};
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

} // namespace neurodx::cli
