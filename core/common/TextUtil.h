#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neurodx {

// ASCII-only case folding: file and folder names in datasets are compared byte-wise, and
// locale-dependent folding would make a scan differ between machines.
std::string toUpper(std::string text);
std::string toLower(std::string text);
std::string trim(const std::string& text);
bool startsWith(const std::string& text, const std::string& prefix);
bool endsWith(const std::string& text, const std::string& suffix);
std::string join(const std::vector<std::string>& parts, const std::string& separator);
// `text` with every byte sequence that is not UTF-8 replaced by U+FFFD: strings that come from files
// (file names on disk, DICOM values, CSV cells) may hold any bytes, and JSON, CSV and the screen
// need valid text.
std::string validUtf8(const std::string& text);
bool isValidUtf8(const std::string& text);
// One RFC 4180 field: valid UTF-8, quoted (with doubled quotes) when it holds a comma, a quote or a
// line break.
std::string csvField(const std::string& text);
// The number of characters (code points) of UTF-8 text, for aligning columns.
std::size_t displayWidth(const std::string& text);
// A library's exception text made fit to follow a sentence of ours: its first line only (LibTorch
// appends a C++ stack trace), without nlohmann::json's "[json.exception.type.NNN] " prefix.
std::string conciseReason(const std::string& what);
// "1,234,567": counts in reports and tables.
std::string withThousands(long long value);

// FNV-1a 64 of `text`, continuing `hash` (so that several texts hash as one): a stable name for
// content (dataset fingerprints, import keys), not a secret.
inline constexpr std::uint64_t kFnv1aStart = 0xcbf29ce484222325ull;
std::uint64_t fnv1a64(const std::string& text, std::uint64_t hash = kFnv1aStart);

} // namespace neurodx
