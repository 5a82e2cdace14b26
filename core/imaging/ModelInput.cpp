#include "ModelInput.h"

#include "common/NeuroDxError.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

namespace neurodx {

namespace {

cv::Mat greyValues(const Slice& slice)
{
    if (slice.pixels.channels() == 1)
        return slice.pixels;
    cv::Mat grey;
    cv::cvtColor(slice.pixels, grey, cv::COLOR_RGB2GRAY);
    return grey;
}

std::pair<double, double> percentileRange(const cv::Mat& grey, double lowPercent, double highPercent)
{
    std::vector<float> values;
    values.reserve(grey.total());
    for (int r = 0; r < grey.rows; ++r) {
        const float* row = grey.ptr<float>(r);
        values.insert(values.end(), row, row + grey.cols);
    }
    if (values.empty())
        return {0.0, 1.0};
    const auto at = [&](double percent) {
        const auto index = static_cast<std::size_t>(percent / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
        std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
        return static_cast<double>(values[index]);
    };
    double low = at(lowPercent);
    double high = at(highPercent);
    if (high <= low) { // nearly constant image: fall back to the full range
        double minValue = 0, maxValue = 0;
        cv::minMaxLoc(grey, &minValue, &maxValue);
        low = minValue;
        high = maxValue > minValue ? maxValue : minValue + 1.0;
    }
    return {low, high};
}

} // namespace

IntensityWindow intensityWindowFor(const Slice& slice)
{
    IntensityWindow window;
    window.inverted = slice.info.isMonochrome1();
    if (slice.info.format != ImageFormat::Dicom && slice.info.bitsStored == 8) {
        window = {0.0, 255.0, false, "8-bit / 255"};
        return window;
    }
    if (slice.info.format == ImageFormat::Dicom && slice.info.windowCenter && slice.info.windowWidth) {
        // PS3.3 C.11.2.1.2.1: y = ((x - (c - 0.5)) / (w - 1) + 0.5) on [c - 0.5 - (w-1)/2, c - 0.5 + (w-1)/2].
        const double c = *slice.info.windowCenter;
        const double w = *slice.info.windowWidth;
        window.low = c - 0.5 - (w - 1.0) / 2.0;
        window.high = c - 0.5 + (w - 1.0) / 2.0;
        if (window.high <= window.low)
            window.high = window.low + 1.0;
        window.source = "file window";
        return window;
    }
    const auto [low, high] = percentileRange(greyValues(slice), 0.5, 99.5);
    window.low = low;
    window.high = high;
    window.source = "percentile 0.5-99.5";
    return window;
}

cv::Mat normalisedGrey(const Slice& slice, const IntensityWindow& window)
{
    if (slice.pixels.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "the slice has no pixels");
    const double scale = 1.0 / (window.high - window.low);
    cv::Mat unit;
    greyValues(slice).convertTo(unit, CV_32F, scale, -window.low * scale);
    cv::min(unit, 1.0, unit);
    cv::max(unit, 0.0, unit);
    if (window.inverted)
        unit = 1.0 - unit;
    return unit;
}

cv::Mat modelInput(const Slice& slice, const PreprocessConfig& config)
{
    if (config.size < 8 || config.size > 4096)
        throw NeuroDxError(ErrorKind::InvalidArgument, "the model input size must be 8..4096 pixels, not " + std::to_string(config.size));
    if (config.channels != 1 && config.channels != 3)
        throw NeuroDxError(ErrorKind::InvalidArgument, "the model takes 1 or 3 channels, not " + std::to_string(config.channels));
    const cv::Mat unit = normalisedGrey(slice, intensityWindowFor(slice));
    cv::Mat resized;
    if (unit.cols == config.size && unit.rows == config.size)
        resized = unit;
    else
        cv::resize(unit, resized, cv::Size(config.size, config.size), 0, 0, cv::INTER_LINEAR);
    if (config.channels == 1)
        return resized;
    cv::Mat replicated;
    cv::merge(std::vector<cv::Mat>{resized, resized, resized}, replicated);
    return replicated;
}

} // namespace neurodx
