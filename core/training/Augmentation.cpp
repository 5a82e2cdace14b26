#include "Augmentation.h"

#include "common/SeededRandom.h"

#include <opencv2/imgproc.hpp>

namespace neurodx {

cv::Mat augmentSlice(const cv::Mat& slice, const AugmentationConfig& config, SeededRandom& random)
{
    // Draw every random number whether or not it is used, so switching one augmentation off does
    // not shift the others' streams.
    const bool flipH = random.uniform() < 0.5;
    const bool flipV = random.uniform() < 0.5;
    const double angle = random.uniform(-config.maxRotationDegrees, config.maxRotationDegrees);

    // Never write into `slice`: it is the shared cache every epoch reads from.
    const bool h = config.horizontalFlip && flipH;
    const bool v = config.verticalFlip && flipV;
    cv::Mat out;
    if (h || v)
        cv::flip(slice, out, h && v ? -1 : (h ? 1 : 0));
    else
        out = slice.clone();
    if (config.maxRotationDegrees > 0.0 && angle != 0.0) {
        const cv::Point2f centre((out.cols - 1) / 2.0f, (out.rows - 1) / 2.0f);
        const cv::Mat rotation = cv::getRotationMatrix2D(centre, angle, 1.0);
        cv::Mat rotated;
        cv::warpAffine(out, rotated, rotation, out.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
        out = rotated;
    }
    return out;
}

} // namespace neurodx
