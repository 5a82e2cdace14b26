#pragma once

#include <cstdint>
#include <filesystem>

namespace neurodx {

// DCMTK parses whatever a file claims: it recurses once per nested sequence (a few megabytes of
// nested items exhaust the stack) and makes an object of every element (gigabytes of trailing zeros
// become billions of them). These limits are checked on the file's bytes before DCMTK sees them.
inline constexpr std::uintmax_t kMaxDicomFileBytes = std::uintmax_t{3} << 30; // decoded pixels are capped at 2 GiB
inline constexpr int kMaxDicomNesting = 64;                                 // real objects nest a handful deep
inline constexpr std::int64_t kMaxDicomElements = 5'000'000;

// Walks the element headers of a DICOM file (meta header, then the dataset in its transfer syntax;
// values are skipped, not read) and throws NeuroDxError(CorruptFile) naming the file when it is larger
// than kMaxDicomFileBytes, nests sequences deeper than kMaxDicomNesting or holds more than
// kMaxDicomElements elements. Anything else, truncation included, is left to DCMTK to report.
// Deflated datasets are checked for size only.
void checkDicomStructure(const std::filesystem::path& file);

} // namespace neurodx
