#pragma once

#include <cstdint>
#include <filesystem>

namespace neurodx {

// Limits checked against a file's header before any pixel is decoded, so a hostile or damaged
// header cannot make NeuroDx allocate gigabytes. Generous for MRI: a 2D slice is rarely over 1024^2.
inline constexpr std::int64_t kMaxImageSide = 16384;
inline constexpr std::int64_t kMaxDecodedBytes = std::int64_t{1} << 31; // 2 GiB across all frames
inline constexpr std::int64_t kMaxFrames = 10000;

// Throws NeuroDxError(CorruptFile) naming the file when the claimed size exceeds the limits.
void checkImageDimensions(const std::filesystem::path& file, std::int64_t width, std::int64_t height,
                          std::int64_t frames, std::int64_t bytesPerPixel);

} // namespace neurodx
