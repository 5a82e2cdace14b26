#include "Commands.h"

#include "CommandContext.h"
#include "InterruptHandler.h"
#include "TextTable.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "import/ScanImport.h"
#include "training/TrainingControl.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <map>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

std::string planTable(const ImportPlan& plan)
{
    TextTable table({"subject", "visit", "class", "image", "scan", "problems / skipped because"});
    for (const PlannedScan& scan : plan.scans) {
        std::string note = scan.skipReason;
        if (note.empty())
            for (const std::string& w : scan.source.warnings)
                note += (note.empty() ? "" : "; ") + w;
        if (scan.alreadyImported)
            note = "imported before" + (note.empty() ? std::string() : "; " + note);
        table.addRow({scan.subject, scan.visit, scan.label >= 0 ? plan.classNames[static_cast<std::size_t>(scan.label)] + (scan.group != plan.classNames[static_cast<std::size_t>(scan.label)] && !scan.group.empty() ? " (" + scan.group + ")" : "") : scan.group,
                      scan.imageDataId, scan.source.label(), note});
    }
    return table.render();
}

std::string planSummary(const ImportPlan& plan)
{
    std::map<std::string, std::size_t> perClass;
    std::map<std::string, std::set<std::string>> subjects;
    for (const PlannedScan& scan : plan.scans)
        if (scan.skipReason.empty()) {
            const std::string& name = plan.classNames[static_cast<std::size_t>(scan.label)];
            ++perClass[name];
            subjects[name].insert(scan.subject);
        }
    std::string text = std::to_string(plan.scans.size()) + " scans found: " + std::to_string(plan.countToImport()) + " to import, " +
                       std::to_string(plan.countAlreadyImported()) + " imported before, " + std::to_string(plan.countSkipped()) + " skipped\n";
    for (const std::string& name : plan.classNames)
        text += "  " + name + ": " + std::to_string(perClass[name]) + " scans of " + std::to_string(subjects[name].size()) + " subjects\n";
    text += "Slices: " + plan.options.slices.describe() + (plan.options.baselineOnly ? "; baseline visits only" : "") + "\n";
    if (plan.images2d > 0)
        text += std::to_string(plan.images2d) + " 2D image(s) in the source are not scans and are not imported\n";
    for (const std::string& w : plan.warnings)
        text += "warning: " + w + "\n";
    return text;
}

nlohmann::json planJson(const ImportPlan& plan)
{
    nlohmann::json scans = nlohmann::json::array();
    for (const PlannedScan& s : plan.scans)
        scans.push_back({{"path", s.relativePath},
                         {"kind", s.source.kind == ScanSource::Kind::Nifti ? "nifti" : "dicom-series"},
                         {"files", s.source.fileCount()},
                         {"subject", s.subject},
                         {"visit", s.visit},
                         {"date", s.date},
                         {"image_id", s.imageDataId},
                         {"group", s.group},
                         {"class", s.label >= 0 ? plan.classNames[static_cast<std::size_t>(s.label)] : std::string()},
                         {"description", s.description},
                         {"warnings", s.source.warnings},
                         {"skipped", s.skipReason},
                         {"imported_before", s.alreadyImported}});
    return {{"source", plan.options.source.string()},
            {"slices", plan.options.slices.toJson()},
            {"baseline_only", plan.options.baselineOnly},
            {"to_import", plan.countToImport()},
            {"imported_before", plan.countAlreadyImported()},
            {"skipped", plan.countSkipped()},
            {"warnings", plan.warnings},
            {"scans", scans}};
}

int runImport(const CliArguments& args)
{
    ImportOptions options;
    options.source = args.positional()[0];
    options.output = args.positional()[1];
    if (const auto csv = args.value("metadata"))
        options.metadataCsv = *csv;
    if (args.value("classes"))
        options.classes = ClassScheme::fromNames(args.listValue("classes", {}));
    try {
        const SlicePlane plane = slicePlaneFromName(args.text("plane"));
        options.slices = args.value("slices") ? SliceSelection::parse(plane, *args.value("slices")) : SliceSelection{};
        options.slices.plane = plane;
    } catch (const NeuroDxError& e) {
        throw UsageError{e.what()};
    }
    options.baselineOnly = args.flag("baseline-only");
    const bool json = args.flag("json");
    const bool showProgress = !args.flag("quiet") && !json && stderrIsTerminal();

    TrainingControl control;
    const InterruptHandler interrupts(control);
    const ImportPlan plan = planImport(options, &control.cancelToken(), [&](std::size_t files) {
        if (showProgress)
            std::fprintf(stderr, "\rlooking for scans: %s files", withThousands(static_cast<long long>(files)).c_str());
    });
    if (showProgress)
        std::fprintf(stderr, "\r%50s\r", "");
    if (!json)
        std::cout << planTable(plan) << "\n" << planSummary(plan);
    if (args.flag("dry-run")) {
        if (json)
            std::cout << jsonText(planJson(plan), 2) << "\n";
        return 0;
    }
    if (plan.countToImport() == 0 && plan.countAlreadyImported() == 0)
        throw NeuroDxError(ErrorKind::InvalidDataset, options.source, "no scan to import (see the table for the reasons)");

    const ImportResult result = runImport(plan, &control.cancelToken(), [&](const ImportProgress& p) {
        if (showProgress)
            std::fprintf(stderr, "\rimporting scan %zu/%zu (%s slices written): %-40s", p.scansDone + 1 > p.scansTotal ? p.scansTotal : p.scansDone + 1,
                         p.scansTotal, withThousands(static_cast<long long>(p.slicesWritten)).c_str(), p.current.c_str());
    });
    if (showProgress)
        std::fprintf(stderr, "\r%100s\r", "");
    if (json) {
        nlohmann::json out = planJson(plan);
        nlohmann::json failures = nlohmann::json::array();
        for (const ImportFailure& f : result.failures)
            failures.push_back({{"path", f.relativePath}, {"reason", f.reason}});
        out["result"] = {{"scans_imported", result.scansImported},
                         {"scans_imported_before", result.scansAlreadyDone},
                         {"slices_written", result.slicesWritten},
                         {"slices_in_manifest", result.slicesInManifest},
                         {"manifest", result.manifest.string()},
                         {"failures", failures}};
        std::cout << jsonText(out, 2) << "\n";
    } else {
        std::cout << "\nImported " << result.scansImported << " scan(s), " << withThousands(static_cast<long long>(result.slicesWritten)) << " slices"
                  << (result.scansAlreadyDone ? " (" + std::to_string(result.scansAlreadyDone) + " imported before)" : std::string()) << "\n"
                  << "Manifest: " << result.manifest.string() << " (" << withThousands(static_cast<long long>(result.slicesInManifest)) << " slices)\n";
        for (const ImportFailure& f : result.failures)
            std::cout << "failed: " << validUtf8(f.relativePath + ": " + f.reason) << "\n";
        std::cout << "Next: neurodx-cli scan " << options.output.string() << "   then   neurodx-cli train " << options.output.string() << "\n";
    }
    for (const ImportFailure& f : result.failures)
        std::cerr << "neurodx-cli import: " << validUtf8((options.source / f.relativePath).string() + ": " + f.reason) << "\n";
    return result.failures.empty() ? 0 : 1;
}

} // namespace

CommandSpec importCommand()
{
    CommandSpec c;
    c.name = "import";
    c.summary = "Turn 3D scans (DICOM series, NIfTI) into a dataset of 2D slices in class folders.";
    c.notes = "Run it again with the same options to resume an interrupted import.\n";
    c.positionals = {{"SRC", "the folder of scans (an ADNI IDA download)"}, {"OUT", "the output folder"}};
    c.options = {textOption("metadata", "FILE", "The download's collection CSV (subject, group, visit of each image ID)"),
                 choiceOption("plane", "The plane the slices are cut in", "axial", {"axial", "coronal", "sagittal"}),
                 textOption("slices", "RULE", "Which slices: central:32, discard:N (drop N at each end), range:A-B or all", "central:32"),
                 switchOption("baseline-only", "Only each subject's first visit"),
                 textOption("classes", "A,B,...", "The groups to import, in label order", "CN,MCI,AD"),
                 switchOption("dry-run", "Show what would be imported and why anything is skipped; write nothing")};
    c.run = runImport;
    return c;
}

} // namespace neurodx::cli
