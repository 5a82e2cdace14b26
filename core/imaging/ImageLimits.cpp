#include "ImageLimits.h"

#include "common/NeuroDxError.h"

#include <string>

namespace neurodx {

void checkImageDimensions(const std::filesystem::path& file, std::int64_t width, std::int64_t height,
                          std::int64_t frames, std::int64_t bytesPerPixel)
{
    const std::string claimed = std::to_string(width) + " x " + std::to_string(height) +
                                (frames > 1 ? " x " + std::to_string(frames) + " frames" : std::string());
    if (width <= 0 || height <= 0 || frames <= 0)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the header claims an empty image (" + claimed + ")");
    if (width > kMaxImageSide || height > kMaxImageSide || frames > kMaxFrames ||
        width * height * frames * bytesPerPixel > kMaxDecodedBytes)
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "the header claims an absurd image size (" + claimed + "); refusing to decode it");
}

} // namespace neurodx
