#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace neurodx {

// An 8-bit grey picture in plain memory: what the GUI's thumbnail grids and galleries draw,
// without their needing OpenCV.
struct GreyImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; // row-major, width * height

    bool isEmpty() const { return pixels.empty(); }
};

// Reads `file`, windows it as the model input does (file window, 8-bit / 255 or percentiles;
// MONOCHROME1 inverted) and shrinks it to fit `maxSide` with area averaging.
// Throws NeuroDxError naming the file when it cannot be read.
GreyImage thumbnailOf(const std::filesystem::path& file, int maxSide);

} // namespace neurodx
