#pragma once

#include "imaging/DicomTags.h"
#include "imaging/Slice.h"

#include <filesystem>
#include <optional>

namespace neurodx {

// The one entry point for reading an image file: detects the format from the content and hands
// it to the DICOM or raster reader. `frame` applies to multi-frame DICOM; `dicomTags`, when given,
// receives a DICOM file's attributes from the same read (and stays empty for other formats).
// Throws NeuroDxError naming the file and the problem.
Slice loadSlice(const std::filesystem::path& file, std::optional<int> frame = std::nullopt, std::vector<DicomTagNode>* dicomTags = nullptr);

} // namespace neurodx
