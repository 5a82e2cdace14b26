#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

namespace neurodx {

// Writes to "<file>.part" and renames it over `file`, so readers never see half a file and a crash
// leaves the previous version intact. Throws NeuroDxError(Io) naming the file.
void writeFileAtomically(const std::filesystem::path& file, const std::string& content);
void writeFileAtomically(const std::filesystem::path& file, const char* data, std::size_t size);
// Streams the content: for files too large to assemble in memory first (model checkpoints).
void writeFileAtomically(const std::filesystem::path& file, const std::function<void(std::ostream&)>& write);

} // namespace neurodx
