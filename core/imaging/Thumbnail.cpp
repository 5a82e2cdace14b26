#include "Thumbnail.h"

#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace neurodx {

GreyImage thumbnailOf(const std::filesystem::path& file, int maxSide)
{
    const Slice slice = loadSlice(file);
    const cv::Mat grey = normalisedGrey(slice, intensityWindowFor(slice));
    const double scale = std::min(1.0, static_cast<double>(maxSide) / std::max(grey.cols, grey.rows));
    cv::Mat small;
    cv::resize(grey, small, cv::Size(std::max(1, static_cast<int>(grey.cols * scale + 0.5)), std::max(1, static_cast<int>(grey.rows * scale + 0.5))),
               0, 0, cv::INTER_AREA);
    cv::Mat bytes;
    small.convertTo(bytes, CV_8U, 255.0);
    GreyImage image;
    image.width = bytes.cols;
    image.height = bytes.rows;
    image.pixels.resize(bytes.total());
    for (int r = 0; r < bytes.rows; ++r)
        std::copy_n(bytes.ptr<std::uint8_t>(r), bytes.cols, image.pixels.begin() + static_cast<std::ptrdiff_t>(r) * bytes.cols);
    return image;
}

} // namespace neurodx
