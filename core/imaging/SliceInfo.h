#pragma once

#include "dataset/ImageFormat.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <utility>

namespace neurodx {

// What a file says about its pixels. For DICOM the fields follow PS3.3 C.7.6.3 (Image Pixel) and
// C.11.2 (VOI LUT); for raster formats the DICOM-only fields stay at their defaults.
struct SliceInfo {
    ImageFormat format = ImageFormat::Unknown;
    int width = 0;
    int height = 0;
    int samplesPerPixel = 1;
    int bitsAllocated = 8;
    int bitsStored = 8;
    bool isSigned = false;
    std::string photometric = "MONOCHROME2"; // raster formats: MONOCHROME2 or RGB
    std::string modality;                    // DICOM (0008,0060), "MR" for brain MRI
    double rescaleSlope = 1.0;
    double rescaleIntercept = 0.0;
    std::optional<double> windowCenter;       // the file's first window, if any
    std::optional<double> windowWidth;
    int frames = 1;
    int frame = 0;                            // the frame these pixels come from
    std::optional<double> pixelSpacingRow;    // mm, (0028,0030) first value
    std::optional<double> pixelSpacingColumn; // mm, second value
    std::string transferSyntax;               // DICOM UID name, e.g. "JPEG Lossless, Non-hierarchical, First-Order Prediction"
    std::string transferSyntaxUid;
    // Slices of a volume: the whole volume's value range, which stands in for the stored bits' range.
    std::optional<std::pair<double, double>> volumeRange;

    bool isMonochrome1() const { return photometric == "MONOCHROME1"; }
    bool isColour() const { return samplesPerPixel > 1 || photometric == "PALETTE COLOR"; }
    nlohmann::json toJson() const; // no patient data: none is kept here
};

} // namespace neurodx
