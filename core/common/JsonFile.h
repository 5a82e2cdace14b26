#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace neurodx {

// Reads a JSON file (config.json, split.json, oracle.json...). Throws NeuroDxError naming the
// file: UnreadableFile when it cannot be opened, CorruptFile when it is not valid JSON.
nlohmann::json readJsonFile(const std::filesystem::path& file);

// JSON text for files and standard output. Strings that came from files (file names on disk, DICOM
// values, CSV cells) may hold bytes that are not UTF-8: they are replaced by U+FFFD instead of
// making the whole output fail. `indent` -1 gives one line.
std::string jsonText(const nlohmann::json& json, int indent = 2);

// jsonText(json, indent) plus a final newline, written atomically (AtomicFile.h).
void writeJsonFile(const std::filesystem::path& file, const nlohmann::json& json, int indent = 2);

} // namespace neurodx
