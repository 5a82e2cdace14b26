#include "ScanAnalysis.h"

#include "volume/VolumeSlicing.h"

namespace neurodx::ui {

ScanAnalysis analyseScan(SliceClassifier& classifier, const Volume& canonical, int representatives)
{
    ScanAnalysis analysis;
    analysis.prediction = classifier.classifyScan(canonical);
    const auto& slices = analysis.prediction.slices;
    const SlicePlane plane = analysis.prediction.selection.plane;
    const auto range = valueRange(canonical);
    const int n = static_cast<int>(slices.size());
    const int count = std::min(representatives, n);
    for (int r = 0; r < count; ++r) {
        // The centres of `count` equal parts of the range: 1/6, 1/2 and 5/6 of it for three.
        const int at = static_cast<int>((2 * r + 1) * n / (2 * count));
        RepresentativeSlice shown;
        shown.index = slices[static_cast<std::size_t>(at)].index;
        shown.position = slicePositionText(canonical, plane, shown.index);
        const Slice slice = volumeSlice(canonical, plane, shown.index, range);
        shown.slice = toViewerSlice(slice, std::string(slicePlaneName(plane)) + " " + std::to_string(shown.index));
        shown.prediction = classifier.classify(slice, shown.slice.file);
        analysis.representatives.push_back(std::move(shown));
    }
    return analysis;
}

} // namespace neurodx::ui
