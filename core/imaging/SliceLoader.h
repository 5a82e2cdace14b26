#pragma once

#include "imaging/Slice.h"

#include <filesystem>
#include <optional>

namespace neurodx {

// The one entry point for reading an image file: detects the format from the content and hands
// it to the DICOM or raster reader. `frame` applies to multi-frame DICOM.
// Throws NeuroDxError naming the file and the problem.
Slice loadSlice(const std::filesystem::path& file, std::optional<int> frame = std::nullopt);

} // namespace neurodx
