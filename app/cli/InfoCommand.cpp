#include "Commands.h"

#include "common/JsonFile.h"

#include "CliArguments.h"
#include "TextTable.h"

#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"
#include "volume/NiftiReader.h"
#include "volume/ScanFinder.h"
#include "volume/SliceSelection.h"

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

std::string millimetres(const Vec3& v)
{
    return number(v[0]) + " x " + number(v[1]) + " x " + number(v[2]) + " mm";
}

// A NIfTI file or a folder holding a scan: the volume as read and as NeuroDx orients it.
int scanInfo(const std::string& path, bool json)
{
    const Volume volume = openScan(path);
    const VolumeGeometry& g = volume.geometry;
    const auto [low, high] = valueRange(volume);
    const SliceRange head = headExtent(volume, SlicePlane::Axial);
    const SliceSelection defaults;
    const std::vector<int> chosen = selectSlices(volume, defaults);
    if (json) {
        nlohmann::json j = {{"path", path},
                            {"kind", volume.source.kind},
                            {"series_description", volume.source.seriesDescription},
                            {"modality", volume.source.modality},
                            {"files", volume.source.files.size()},
                            {"stored_axes", volume.source.storedAxes},
                            {"size", {g.size[0], g.size[1], g.size[2]}},
                            {"spacing_mm", {g.spacing[0], g.spacing[1], g.spacing[2]}},
                            {"origin_lps_mm", {g.origin[0], g.origin[1], g.origin[2]}},
                            {"obliquity_degrees", g.obliquityDegrees()},
                            {"slices", {{"axial", sliceCount(volume, SlicePlane::Axial)}, {"coronal", sliceCount(volume, SlicePlane::Coronal)},
                                        {"sagittal", sliceCount(volume, SlicePlane::Sagittal)}}},
                            {"axial_head_extent", {head.first, head.last}},
                            {"default_slices", {chosen.empty() ? -1 : chosen.front(), chosen.empty() ? -1 : chosen.back()}},
                            {"value_min", low},
                            {"value_max", high},
                            {"warnings", volume.source.warnings}};
        std::cout << jsonText(j, 2) << "\n";
        return 0;
    }
    TextTable table({"property", "value"});
    table.addRow({"scan", path});
    table.addRow({"kind", volume.source.kind + (volume.source.files.size() > 1 ? ", " + std::to_string(volume.source.files.size()) + " files" : "")});
    if (!volume.source.seriesDescription.empty())
        table.addRow({"description", volume.source.seriesDescription});
    if (!volume.source.modality.empty())
        table.addRow({"modality", volume.source.modality});
    table.addRow({"stored as", volume.source.storedAxes + " (voxel axes towards these patient directions)"});
    table.addRow({"voxels (LPS)", std::to_string(g.size[0]) + " x " + std::to_string(g.size[1]) + " x " + std::to_string(g.size[2])});
    table.addRow({"spacing", millimetres(g.spacing)});
    table.addRow({"obliquity", number(g.obliquityDegrees()) + " degrees"});
    table.addRow({"slices", std::to_string(sliceCount(volume, SlicePlane::Axial)) + " axial, " + std::to_string(sliceCount(volume, SlicePlane::Coronal)) +
                                " coronal, " + std::to_string(sliceCount(volume, SlicePlane::Sagittal)) + " sagittal"});
    table.addRow({"head (axial)", "slices " + std::to_string(head.first) + " to " + std::to_string(head.last)});
    if (!chosen.empty())
        table.addRow({"default slices", std::to_string(chosen.front()) + " to " + std::to_string(chosen.back()) + " (" + defaults.describe() + ")"});
    table.addRow({"values", number(low) + " to " + number(high)});
    std::cout << table.render();
    for (const std::string& w : volume.source.warnings)
        std::cout << "warning: " << w << "\n";
    return 0;
}


int runInfo(const CliArguments& args)
{
    const std::filesystem::path target = args.positional()[0];
    if (std::filesystem::is_directory(target) || isNiftiFile(target))
        return scanInfo(args.positional()[0], args.flag("json"));
    std::optional<int> frame;
    if (args.value("frame"))
        frame = static_cast<int>(args.integer("frame"));

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
        std::cout << jsonText(j, 2) << "\n";
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

} // namespace

CommandSpec infoCommand()
{
    CommandSpec c;
    c.name = "info";
    c.summary = "Print an image's metadata, or a scan's volume, orientation and slices.";
    c.notes = "An image: DICOM, PNG, JPEG, BMP or TIFF. A scan: a NIfTI file or a DICOM series' folder.\n";
    c.positionals = {{"FILE|SCAN", "the image file or scan"}};
    OptionSpec frame = wholeOption("frame", "The frame of a multi-frame DICOM file to read (from 0)", 0, 0, 100000);
    c.options = {frame};
    c.run = runInfo;
    return c;
}

} // namespace neurodx::cli
