#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace neurodx {

// Nifti: slices taken from a NIfTI volume (probeImageFormat never answers it: NIfTI is read as a scan).
enum class ImageFormat { Unknown, Png, Jpeg, Bmp, Tiff, Dicom, Nifti };

const char* imageFormatName(ImageFormat format); // "png", "jpeg", "bmp", "tiff", "dicom", "nifti", "unknown"

// What the first bytes of a file say it is. Extensions are not consulted: ADNI exports carry
// DICOM files without ".dcm", and renamed PNGs are common in Kaggle mirrors.
struct FormatProbe {
    ImageFormat format = ImageFormat::Unknown;
    bool hasDicomPreamble = false; // DICOM: 128-byte preamble + "DICM"; false for bare datasets
};

// Needs at least kFormatProbeBytes bytes for DICOM with preamble; fewer bytes still detect the rest.
inline constexpr std::size_t kFormatProbeBytes = 132;
FormatProbe probeImageFormat(const unsigned char* bytes, std::size_t size);

// Reads the first kFormatProbeBytes of the file. Throws NeuroDxError(UnreadableFile) if it cannot be opened.
FormatProbe probeImageFormat(const std::filesystem::path& file);

} // namespace neurodx
