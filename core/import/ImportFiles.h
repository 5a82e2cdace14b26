#pragma once

#include <filesystem>
#include <string>

namespace neurodx {

// The import's own files inside its output folder: the record of its options, the manifest of its
// slices, and the folder of per-scan manifest parts that makes it resumable.
inline constexpr const char* kImportRecordFile = "import.json";
inline constexpr const char* kImportManifestFile = "manifest.csv";
inline constexpr const char* kImportWorkFolder = ".neurodx-import";

// Letters, digits, '-', '_' and '.' of `text`, the rest as '-': a name part that is safe on every system.
std::string importFileSafe(const std::string& text);
// A scan's manifest rows, written when all its slices are: its presence means "imported".
std::filesystem::path importFragmentPath(const std::filesystem::path& output, const std::string& key);

} // namespace neurodx
