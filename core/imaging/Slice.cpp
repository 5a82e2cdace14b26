#include "Slice.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace neurodx {

nlohmann::json SliceInfo::toJson() const
{
    nlohmann::json j = {{"format", imageFormatName(format)},
                        {"width", width},
                        {"height", height},
                        {"samples_per_pixel", samplesPerPixel},
                        {"bits_allocated", bitsAllocated},
                        {"bits_stored", bitsStored},
                        {"signed", isSigned},
                        {"photometric", photometric},
                        {"frames", frames},
                        {"frame", frame}};
    if (format == ImageFormat::Dicom) {
        j["modality"] = modality;
        j["rescale_slope"] = rescaleSlope;
        j["rescale_intercept"] = rescaleIntercept;
        j["transfer_syntax"] = transferSyntax;
        j["transfer_syntax_uid"] = transferSyntaxUid;
        j["window_center"] = windowCenter ? nlohmann::json(*windowCenter) : nlohmann::json();
        j["window_width"] = windowWidth ? nlohmann::json(*windowWidth) : nlohmann::json();
        if (pixelSpacingRow && pixelSpacingColumn)
            j["pixel_spacing_mm"] = {*pixelSpacingRow, *pixelSpacingColumn};
        else
            j["pixel_spacing_mm"] = nullptr;
    }
    return j;
}

std::pair<double, double> Slice::storedRange() const
{
    if (info.volumeRange)
        return *info.volumeRange;
    const double levels = std::ldexp(1.0, info.bitsStored);
    const double low = info.isSigned ? -levels / 2 : 0.0;
    const double high = info.isSigned ? levels / 2 - 1 : levels - 1;
    const double a = low * info.rescaleSlope + info.rescaleIntercept;
    const double b = high * info.rescaleSlope + info.rescaleIntercept;
    return {std::min(a, b), std::max(a, b)};
}

} // namespace neurodx
