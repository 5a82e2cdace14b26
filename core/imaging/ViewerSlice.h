#pragma once

#include "imaging/DicomTags.h"
#include "imaging/SliceInfo.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace neurodx {

struct Slice;

// A decoded slice for a viewer, in plain memory (no OpenCV): modality values for window/level and
// the pixel readout, 8-bit RGB for colour images, and the window NeuroDx's model input uses.
struct ViewerSlice {
    std::string file;
    SliceInfo info;
    int width = 0;
    int height = 0;
    std::vector<float> values;       // grey modality values (colour: luma), row-major
    std::vector<std::uint8_t> rgb;   // colour images only: 3 bytes per pixel, the stored range scaled to 8 bits
    double defaultLow = 0, defaultHigh = 1; // the model input's window (file window, 8-bit / 255 or percentiles)
    std::string defaultWindowSource;
    std::pair<double, double> storedRange{0, 1};
    std::pair<double, double> valueRange{0, 1}; // min and max of `values`
    // The slice as decoded for the model (SliceClassifier::classify takes it): the viewer classifies
    // what it shows without reading the file again. Shares the pixels, no copy.
    std::shared_ptr<const Slice> decoded;

    bool isColour() const { return !rgb.empty(); }
    float valueAt(int x, int y) const { return values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]; }
    // The value below which `percent` of the pixels lie (nearest rank).
    double percentile(double percent) const;
};

// Window presets a reader picks from, as [low, high] in modality units.
enum class WindowPreset {
    ModelInput,      // what the model saw: the file window, 8-bit / 255 or percentiles 0.5-99.5
    FileWindow,      // the file's own window centre/width (the model input window when it has none)
    FullRange,       // everything the stored bits can hold
    MinMax,
    Percentile1To99,
    Percentile5To95,
    BrainMr,         // above the background air (20th percentile) to the 99.5th
};
std::pair<double, double> windowFor(const ViewerSlice& slice, WindowPreset preset);

// Throws NeuroDxError naming the file when it cannot be read (frame: multi-frame DICOM, default middle).
// `dicomTags`: a DICOM file's attributes, from the same read (loadSlice).
ViewerSlice loadViewerSlice(const std::filesystem::path& file, std::optional<int> frame = std::nullopt,
                            std::vector<DicomTagNode>* dicomTags = nullptr);

// A slice already decoded (a slice of a volume): `name` becomes ViewerSlice::file.
ViewerSlice toViewerSlice(const Slice& slice, const std::string& name);

} // namespace neurodx
