#pragma once

#include "dataset/DatasetIndex.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {

enum class SplitPart { Train = 0, Validation = 1, Test = 2 };
inline constexpr int kSplitParts = 3;
const char* splitPartName(SplitPart part); // "train", "validation", "test"

enum class SplitMode {
    BySubject, // no subject in two parts (default)
    BySlice,   // the seed's way: slices of one subject can land in every part; leaks, kept for comparison
};
const char* splitModeName(SplitMode mode); // "subject", "slice"

struct SplitConfig {
    SplitMode mode = SplitMode::BySubject;
    std::array<double, kSplitParts> ratios{0.8, 0.1, 0.1}; // train, validation, test
    std::uint64_t seed = 42;
};

struct PartCounts {
    std::size_t images = 0;
    std::size_t subjects = 0; // groups: identified subjects, plus one per image without a subject
};

// Images and subjects per part and class, and the proof that no subject is shared.
struct SplitReport {
    // counts[part][label]
    std::array<std::vector<PartCounts>, kSplitParts> counts;
    std::array<PartCounts, kSplitParts> totals;
    std::vector<std::string> sharedSubjects; // subjects with images in more than one part
    std::vector<std::string> warnings;
};

// The entries of a DatasetIndex assigned to parts; indices refer to DatasetIndex::entries.
struct DatasetSplit {
    SplitConfig config;
    std::array<std::vector<std::size_t>, kSplitParts> parts;
    SplitReport report;

    const std::vector<std::size_t>& part(SplitPart p) const { return parts[static_cast<std::size_t>(p)]; }
};

// Stratified by class; grouped by subject or by slice, with NeuroDx's own Fisher-Yates over
// SeededRandom so every platform gives the same split for a seed. Each class's groups are shuffled
// and given, one at a time, to the part furthest below its target number of that class's images
// (relative to the target, so validation and test get a subject before training gets its second).
// Throws NeuroDxError(InvalidArgument) for bad ratios and (InvalidDataset) when the index has no
// images or a part with a non-zero ratio would end up empty; warns when a class cannot reach
// every part.
DatasetSplit splitDataset(const DatasetIndex& index, const SplitConfig& config);

// Counts and shared subjects for any assignment (also used to check a split read from disk).
SplitReport splitReport(const DatasetIndex& index, const std::array<std::vector<std::size_t>, kSplitParts>& parts);

// split.json: config, report and, per part, the entries (paths relative to the dataset root).
nlohmann::json splitToJson(const DatasetIndex& index, const DatasetSplit& split);
void saveSplit(const std::filesystem::path& file, const DatasetIndex& index, const DatasetSplit& split);
// Reads split.json back against a freshly scanned index; throws NeuroDxError naming the file when
// it is damaged or lists images the index does not have.
DatasetSplit loadSplit(const std::filesystem::path& file, const DatasetIndex& index);
// The same from split.json's content; `source` names it in errors (a file, or "rank 0's split").
DatasetSplit splitFromJson(const nlohmann::json& json, const DatasetIndex& index, const std::filesystem::path& source);

} // namespace neurodx
