#include "ViewerSlice.h"

#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>

namespace neurodx {

double ViewerSlice::percentile(double percent) const
{
    if (values.empty())
        return 0.0;
    std::vector<float> sorted = values;
    const auto rank = static_cast<std::size_t>(std::clamp(percent, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(rank), sorted.end());
    return sorted[rank];
}

std::pair<double, double> windowFor(const ViewerSlice& s, WindowPreset preset)
{
    switch (preset) {
    case WindowPreset::ModelInput:
        break;
    case WindowPreset::FileWindow:
        if (s.info.windowCenter && s.info.windowWidth)
            return {*s.info.windowCenter - *s.info.windowWidth / 2, *s.info.windowCenter + *s.info.windowWidth / 2};
        break;
    case WindowPreset::FullRange:
        return s.storedRange;
    case WindowPreset::MinMax:
        return s.valueRange;
    case WindowPreset::Percentile1To99:
        return {s.percentile(1), s.percentile(99)};
    case WindowPreset::Percentile5To95:
        return {s.percentile(5), s.percentile(95)};
    case WindowPreset::BrainMr:
        // Background air fills a fifth of a brain slice or more: start above it, keep bright tissue.
        return {s.percentile(20), s.percentile(99.5)};
    }
    return {s.defaultLow, s.defaultHigh};
}

ViewerSlice loadViewerSlice(const std::filesystem::path& file, std::optional<int> frame, std::vector<DicomTagNode>* dicomTags)
{
    return toViewerSlice(loadSlice(file, frame, dicomTags), file.string());
}

ViewerSlice toViewerSlice(const Slice& slice, const std::string& name)
{
    ViewerSlice view;
    view.file = name;
    view.info = slice.info;
    view.decoded = std::make_shared<const Slice>(slice); // cv::Mat copies share their pixels
    view.width = slice.pixels.cols;
    view.height = slice.pixels.rows;
    cv::Mat grey = slice.pixels;
    if (slice.pixels.channels() == 3) {
        cv::cvtColor(slice.pixels, grey, cv::COLOR_RGB2GRAY);
        const auto [low, high] = slice.storedRange();
        cv::Mat bytes;
        slice.pixels.convertTo(bytes, CV_8UC3, 255.0 / std::max(1e-9, high - low), -low * 255.0 / std::max(1e-9, high - low));
        view.rgb.assign(bytes.datastart, bytes.dataend);
        if (!bytes.isContinuous())
            view.rgb.clear(); // convertTo always allocates continuous output; kept for safety
    }
    cv::Mat continuous = grey.isContinuous() ? grey : grey.clone();
    view.values.assign(continuous.ptr<float>(0), continuous.ptr<float>(0) + continuous.total());
    const IntensityWindow window = intensityWindowFor(slice);
    view.defaultLow = window.low;
    view.defaultHigh = window.high;
    view.defaultWindowSource = window.source;
    view.storedRange = slice.storedRange();
    const auto [minIt, maxIt] = std::minmax_element(view.values.begin(), view.values.end());
    if (minIt != view.values.end())
        view.valueRange = {*minIt, *maxIt};
    return view;
}

} // namespace neurodx
