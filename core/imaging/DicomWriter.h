#pragma once

#include <opencv2/core/mat.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

enum class DicomEncoding {
    ExplicitLittleEndian,
    ImplicitLittleEndian,
    ExplicitBigEndian,
    DeflatedExplicitLittleEndian,
    JpegLossless,   // JPEG Process 14, first-order prediction (SV1)
    JpegLsLossless,
    RleLossless,
};

// What to write besides the pixels. Identifiers are the caller's: the synthetic generator passes
// made-up subject ids, never a person's.
struct DicomWriteOptions {
    DicomEncoding encoding = DicomEncoding::ExplicitLittleEndian;
    bool withMetaHeader = true;  // false writes a bare dataset (no preamble, no "DICM")
    int bitsStored = 0;          // 0: all allocated bits
    std::string photometric;     // empty: MONOCHROME2 for grey, RGB for colour
    int planarConfiguration = 0; // colour only: 0 interleaved, 1 planar
    std::optional<double> rescaleSlope;
    std::optional<double> rescaleIntercept;
    std::optional<double> windowCenter;
    std::optional<double> windowWidth;
    std::optional<double> pixelSpacingMm;
    std::string modality = "MR";
    std::string patientId;
    std::string patientName;
    std::string seriesDescription;
    std::string studyDate = "20000101";
    // UIDs under 2.25 derived from this value, so the same input writes the same bytes.
    std::uint64_t uidSeed = 0;
};

// Writes frames (all the same size and type: CV_8UC1, CV_16UC1, CV_16SC1 or CV_8UC3 in RGB order) as
// one DICOM MR image. Written to a temporary file and renamed, so a crash leaves no half file.
// Throws NeuroDxError naming the file when encoding or writing fails.
void writeDicom(const std::filesystem::path& file, const std::vector<cv::Mat>& frames, const DicomWriteOptions& options);

} // namespace neurodx
