#pragma once

#include "imaging/Slice.h"

#include <filesystem>

namespace neurodx {

// Decodes PNG, JPEG, BMP and TIFF with OpenCV, 8 or 16 bit, grey or colour (alpha dropped).
// Dimensions are read from the header and checked before decoding.
// Throws NeuroDxError naming the file when it cannot be read or decoded.
Slice readRasterSlice(const std::filesystem::path& file);

} // namespace neurodx
