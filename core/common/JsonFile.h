#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

namespace neurodx {

// Reads a JSON file (config.json, split.json, oracle.json...). Throws NeuroDxError naming the
// file: UnreadableFile when it cannot be opened, CorruptFile when it is not valid JSON.
nlohmann::json readJsonFile(const std::filesystem::path& file);

} // namespace neurodx
