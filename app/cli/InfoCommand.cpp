#include "Commands.h"

#include "CliArguments.h"
#include "TextTable.h"

#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"

#include <opencv2/core.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace neurodx::cli {

namespace {

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

} // namespace

int runInfo(const std::vector<std::string>& argv)
{
    const CliArguments args(argv, {"frame"}, {"json"});
    args.requirePositional(1, "the image file (neurodx-cli info FILE)");
    std::optional<int> frame;
    if (args.value("frame"))
        frame = args.intValue("frame", 0, 0, 100000);

    const Slice slice = loadSlice(args.positional()[0], frame);
    const IntensityWindow window = intensityWindowFor(slice);
    double minValue = 0, maxValue = 0;
    cv::Mat grey = slice.pixels;
    if (grey.channels() > 1)
        grey = grey.reshape(1);
    cv::minMaxLoc(grey, &minValue, &maxValue);

    if (args.flag("json")) {
        nlohmann::json j = slice.info.toJson();
        j["file"] = args.positional()[0];
        j["value_min"] = minValue;
        j["value_max"] = maxValue;
        j["display_window"] = {{"low", window.low}, {"high", window.high}, {"inverted", window.inverted}, {"source", window.source}};
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    const SliceInfo& info = slice.info;
    TextTable table({"property", "value"});
    table.addRow({"file", args.positional()[0]});
    table.addRow({"format", imageFormatName(info.format)});
    table.addRow({"size", std::to_string(info.width) + " x " + std::to_string(info.height)});
    table.addRow({"samples per pixel", std::to_string(info.samplesPerPixel)});
    table.addRow({"bits stored / allocated", std::to_string(info.bitsStored) + " / " + std::to_string(info.bitsAllocated)});
    table.addRow({"signed", info.isSigned ? "yes" : "no"});
    table.addRow({"photometric", info.photometric});
    if (info.format == ImageFormat::Dicom) {
        table.addRow({"modality", info.modality.empty() ? "(none)" : info.modality});
        table.addRow({"transfer syntax", info.transferSyntax});
        table.addRow({"frames", std::to_string(info.frames) + " (showing " + std::to_string(info.frame) + ")"});
        table.addRow({"rescale slope / intercept", number(info.rescaleSlope) + " / " + number(info.rescaleIntercept)});
        table.addRow({"window centre / width", info.windowCenter && info.windowWidth ? number(*info.windowCenter) + " / " + number(*info.windowWidth) : "(none)"});
        table.addRow({"pixel spacing (mm)", info.pixelSpacingRow && info.pixelSpacingColumn ? number(*info.pixelSpacingRow) + " x " + number(*info.pixelSpacingColumn) : "(none)"});
    }
    table.addRow({"value range", number(minValue) + " .. " + number(maxValue)});
    table.addRow({"display window", number(window.low) + " .. " + number(window.high) + " (" + window.source + (window.inverted ? ", inverted" : "") + ")"});
    std::cout << table.render();
    return 0;
}

} // namespace neurodx::cli
