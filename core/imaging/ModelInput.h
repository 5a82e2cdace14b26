#pragma once

#include "imaging/Slice.h"

#include <opencv2/core/mat.hpp>

#include <string>

namespace neurodx {

// How a slice becomes the network's input; stored in every model file so prediction repeats
// exactly what training did.
struct PreprocessConfig {
    int size = 256;    // square side in pixels (the seed: 256)
    int channels = 1;  // 1 (grey) or 3 (grey replicated, for ImageNet-style backbones)
};

// How stored values were mapped to [0, 1], for reports and the viewer.
struct IntensityWindow {
    double low = 0.0;  // maps to 0
    double high = 1.0; // maps to 1
    bool inverted = false; // MONOCHROME1: 0 is white
    std::string source;    // "8-bit / 255", "file window", "percentile 0.5-99.5"
};

// The intensity window NeuroDx uses for a slice:
// - 8-bit raster images: value / 255, exactly the seed's Rescaling(1/255);
// - DICOM with a window in the file: that window (PS3.3 C.11.2.1.2.1, linear);
// - everything else (16-bit PNG, DICOM without window): the 0.5th to 99.5th percentile, robust to
//   the few very bright voxels (vessels, fat) that min/max would let dominate.
IntensityWindow intensityWindowFor(const Slice& slice);

// Grey intensities in [0, 1] at the slice's own size (colour converted to luma, window applied,
// MONOCHROME1 inverted after windowing). CV_32FC1.
cv::Mat normalisedGrey(const Slice& slice, const IntensityWindow& window);

// The model input: normalised grey, resized bilinearly to size x size (as the seed's Resizing),
// replicated to 3 channels when asked. CV_32FC1 or CV_32FC3, values in [0, 1].
cv::Mat modelInput(const Slice& slice, const PreprocessConfig& config);

} // namespace neurodx
