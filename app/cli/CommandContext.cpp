#include "CommandContext.h"

#include "TextTable.h"

#include "common/Platform.h"
#include "common/TextUtil.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <sstream>


namespace neurodx::cli {

bool stderrIsTerminal()
{
    return platform::isTerminal(stderr);
}

ScanOptions scanOptionsFrom(const CliArguments& args)
{
    ScanOptions options;
    if (args.value("classes"))
        options.classes = ClassScheme::fromNames(args.listValue("classes", {}));
    if (const auto csv = args.value("metadata"))
        options.metadataCsv = *csv;
    return options;
}

std::string ratiosText(const std::array<double, kSplitParts>& ratios)
{
    char text[64];
    std::snprintf(text, sizeof text, "%g,%g,%g", ratios[0], ratios[1], ratios[2]);
    return text;
}

std::array<double, kSplitParts> splitRatiosFrom(const CliArguments& args, const std::array<double, kSplitParts>& fallback)
{
    const auto text = args.value("ratios");
    if (!text)
        return fallback;
    const auto parts = args.listValue("ratios", {});
    if (parts.size() != kSplitParts)
        throw UsageError{"--ratios takes three numbers: train,validation,test (e.g. 0.8,0.1,0.1)"};
    std::array<double, kSplitParts> ratios{};
    for (std::size_t i = 0; i < parts.size(); ++i) {
        char* end = nullptr;
        ratios[i] = std::strtod(parts[i].c_str(), &end);
        if (*end != '\0')
            throw UsageError{"--ratios: '" + parts[i] + "' is not a number"};
    }
    return ratios;
}

DatasetIndex scanWithProgress(const std::string& root, const ScanOptions& options, bool quiet)
{
    const bool showProgress = !quiet && stderrIsTerminal();
    ScanProgress progress;
    if (showProgress)
        progress = [](std::size_t files) { std::fprintf(stderr, "\rscanning: %s files", withThousands(static_cast<long long>(files)).c_str()); };
    DatasetIndex index = scanDataset(root, options, nullptr, progress);
    if (showProgress)
        std::fprintf(stderr, "\r%40s\r", "");
    return index;
}

std::string scanSummaryText(const DatasetIndex& index, std::size_t maxSkippedListed)
{
    std::ostringstream out;
    out << "Dataset: " << index.root.string() << "\n\n";
    TextTable table({"class", "label", "images", "subjects", "without subject"});
    const auto summaries = index.classSummaries();
    for (std::size_t c = 0; c < summaries.size(); ++c)
        table.addRow({index.classNames[c], std::to_string(c), withThousands(static_cast<long long>(summaries[c].images)),
                      withThousands(static_cast<long long>(summaries[c].subjects)),
                      withThousands(static_cast<long long>(summaries[c].imagesWithoutSubject))});
    table.addSeparator();
    table.addRow({"total", "", withThousands(static_cast<long long>(index.entries.size())),
                  withThousands(static_cast<long long>(index.totalSubjects())),
                  withThousands(static_cast<long long>(index.imagesWithoutSubject()))});
    out << table.render();

    std::string formats;
    for (const auto& [format, count] : index.formatCounts())
        formats += (formats.empty() ? "" : ", ") + format + " " + withThousands(static_cast<long long>(count));
    out << "\nFormats: " << (formats.empty() ? "none" : formats) << "\n";

    if (!index.skipped.empty()) {
        out << "\nSkipped " << withThousands(static_cast<long long>(index.skipped.size())) << (index.skipped.size() == 1 ? " file:\n" : " files:\n");
        std::map<std::string, std::size_t> byReason;
        for (const SkippedFile& s : index.skipped)
            ++byReason[s.reason];
        for (const auto& [reason, count] : byReason)
            out << "  " << withThousands(static_cast<long long>(count)) << " x " << reason << "\n";
        for (std::size_t i = 0; i < index.skipped.size() && i < maxSkippedListed; ++i)
            out << "    " << index.skipped[i].path << ": " << index.skipped[i].reason << "\n";
        if (index.skipped.size() > maxSkippedListed)
            out << "    ... (--json lists all)\n";
    }
    if (!index.warnings.empty()) {
        out << "\nWarnings:\n";
        for (const std::string& w : index.warnings)
            out << "  - " << w << "\n";
    }
    return out.str();
}

std::string splitSummaryText(const DatasetIndex& index, const DatasetSplit& split)
{
    std::ostringstream out;
    out << "Split by " << splitModeName(split.config.mode) << ", seed " << split.config.seed << ", ratios "
        << split.config.ratios[0] << " / " << split.config.ratios[1] << " / " << split.config.ratios[2] << "\n\n";
    std::vector<std::string> header{"part"};
    for (const std::string& name : index.classNames)
        header.push_back(name + " img/subj");
    header.push_back("images");
    header.push_back("subjects");
    TextTable table(header);
    for (int p = 0; p < kSplitParts; ++p) {
        const auto part = static_cast<std::size_t>(p);
        std::vector<std::string> row{splitPartName(static_cast<SplitPart>(p))};
        for (const PartCounts& pc : split.report.counts[part])
            row.push_back(std::to_string(pc.images) + " / " + std::to_string(pc.subjects));
        row.push_back(withThousands(static_cast<long long>(split.report.totals[part].images)));
        row.push_back(withThousands(static_cast<long long>(split.report.totals[part].subjects)));
        table.addRow(row);
    }
    out << table.render();
    out << "\nSubjects shared between parts: " << split.report.sharedSubjects.size()
        << (split.report.sharedSubjects.empty() ? " (no subject sits in two parts)" : " (leakage: the same people are in training and test)") << "\n";
    if (!split.report.warnings.empty()) {
        out << "\nWarnings:\n";
        for (const std::string& w : split.report.warnings)
            out << "  - " << w << "\n";
    }
    return out.str();
}

} // namespace neurodx::cli
