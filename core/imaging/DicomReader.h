#pragma once

#include "imaging/DicomTags.h"
#include "imaging/Slice.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace neurodx {

// Decodes one frame of a DICOM image with DCMTK: uncompressed (implicit/explicit, little/big
// endian, deflated, with or without meta header), JPEG (baseline, extended, lossless), JPEG-LS and
// RLE. Grey pixels come back as modality values (rescale slope/intercept applied, signed pixels
// sign-extended from Bits Stored); colour (RGB, YBR, palette, either planar configuration) as RGB.
// `frame` defaults to the middle frame of a multi-frame object.
// Throws NeuroDxError naming the file and the problem: no pixel data (SR, RTSTRUCT...), JPEG 2000
// (not in free DCMTK), truncated pixel data, absurd dimensions.
// `tags`, when given, receives the file's attributes as readDicomTags() lists them, from the same
// parse (as they were stored, before any decompression).
Slice readDicomSlice(const std::filesystem::path& file, std::optional<int> frame = std::nullopt, std::vector<DicomTagNode>* tags = nullptr);

// Every frame of the object, decoded in one pass (enhanced multi-frame volumes); same errors.
std::vector<Slice> readDicomFrames(const std::filesystem::path& file);

} // namespace neurodx
