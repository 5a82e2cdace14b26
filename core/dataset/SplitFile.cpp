// split.json: writing and reading back (declared in Split.h).
#include "Split.h"

#include "common/TextUtil.h"
#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

namespace neurodx {

nlohmann::json splitToJson(const DatasetIndex& index, const DatasetSplit& split)
{
    using nlohmann::json;
    json parts = json::object();
    json counts = json::object();
    for (int p = 0; p < kSplitParts; ++p) {
        const auto part = static_cast<std::size_t>(p);
        json list = json::array();
        for (std::size_t e : split.parts[part]) {
            const DatasetEntry& entry = index.entries.at(e);
            list.push_back({{"path", entry.path}, {"label", entry.label}, {"subject", entry.subject}});
        }
        parts[splitPartName(static_cast<SplitPart>(p))] = std::move(list);

        json perClass = json::object();
        for (std::size_t c = 0; c < index.classNames.size(); ++c) {
            const PartCounts& pc = split.report.counts[part][c];
            perClass[index.classNames[c]] = {{"images", pc.images}, {"subjects", pc.subjects}};
        }
        counts[splitPartName(static_cast<SplitPart>(p))] = {{"classes", perClass},
                                                            {"images", split.report.totals[part].images},
                                                            {"subjects", split.report.totals[part].subjects}};
    }
    return {{"format", "neurodx-split"},
            {"version", 1},
            {"mode", splitModeName(split.config.mode)},
            {"seed", split.config.seed},
            {"ratios", split.config.ratios},
            {"class_order", index.classNames},
            {"counts", counts},
            {"shared_subjects", split.report.sharedSubjects.size()},
            {"shared_subject_ids", split.report.sharedSubjects},
            {"warnings", split.report.warnings},
            {"parts", parts}};
}

void saveSplit(const std::filesystem::path& file, const DatasetIndex& index, const DatasetSplit& split)
{
    writeJsonFile(file, splitToJson(index, split), 1);
}

DatasetSplit loadSplit(const std::filesystem::path& file, const DatasetIndex& index)
{
    return splitFromJson(readJsonFile(file), index, file);
}

DatasetSplit splitFromJson(const nlohmann::json& j, const DatasetIndex& index, const std::filesystem::path& file)
{
    // Field by field, each of the type it must have: json::value() throws when a key holds another type.
    const auto field = [&j](const char* key) { return j.is_object() && j.contains(key) ? j.at(key) : nlohmann::json(); };
    if (field("format") != "neurodx-split")
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "not a NeuroDx split file (no \"format\": \"neurodx-split\"): damaged, or another program's; make a new split or restore the file");
    if (field("version").is_number() && field("version").get<double>() > 1)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "written by a newer NeuroDx (split version " + field("version").dump() + ")");

    std::map<std::string, std::size_t> entryByPath;
    for (std::size_t e = 0; e < index.entries.size(); ++e)
        entryByPath.emplace(index.entries[e].path, e);

    DatasetSplit split;
    try {
        split.config.mode = j.at("mode").get<std::string>() == "slice" ? SplitMode::BySlice : SplitMode::BySubject;
        split.config.seed = j.at("seed").get<std::uint64_t>();
        split.config.ratios = j.at("ratios").get<std::array<double, kSplitParts>>();
        for (int p = 0; p < kSplitParts; ++p) {
            for (const auto& item : j.at("parts").at(splitPartName(static_cast<SplitPart>(p)))) {
                const std::string path = item.at("path").get<std::string>();
                const auto it = entryByPath.find(path);
                if (it == entryByPath.end())
                    throw NeuroDxError(ErrorKind::InvalidDataset, file, "lists '" + path + "', which the dataset does not contain (moved or deleted?)");
                split.parts[static_cast<std::size_t>(p)].push_back(it->second);
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged split file (" + conciseReason(e.what()) + "): make a new split or restore the file");
    }
    split.report = splitReport(index, split.parts);
    return split;
}

} // namespace neurodx
