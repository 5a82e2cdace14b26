#pragma once

#include "imaging/SliceInfo.h"

#include <opencv2/core/mat.hpp>

#include <utility>

namespace neurodx {

// One decoded 2D image. Grey images hold modality values (DICOM: stored value * slope + intercept;
// raster: the stored value) as CV_32FC1; colour images hold RGB as CV_32FC3 in the stored range.
struct Slice {
    cv::Mat pixels;
    SliceInfo info;

    // The value range the file's bits allow, in modality units (for percentile-free full windows).
    std::pair<double, double> storedRange() const;
};

} // namespace neurodx
