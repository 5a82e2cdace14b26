// readDicomSeriesVolume: the pixel half of DicomSeries.h.
#include "DicomSeries.h"

#include "common/NeuroDxError.h"
#include "common/ParallelFor.h"
#include "imaging/DicomReader.h"

#include <cstring>

namespace neurodx {

namespace {

void copyPlane(const Slice& slice, const SeriesSlice& plane, const VolumeGeometry& geometry, float* destination)
{
    if (slice.pixels.cols != geometry.size[0] || slice.pixels.rows != geometry.size[1] || slice.pixels.type() != CV_32FC1)
        throw NeuroDxError(ErrorKind::CorruptFile, plane.file,
                           "the pixel data (" + std::to_string(slice.pixels.cols) + "x" + std::to_string(slice.pixels.rows) +
                               ") disagrees with the series (" + std::to_string(geometry.size[0]) + "x" + std::to_string(geometry.size[1]) + ")");
    const std::size_t rowBytes = static_cast<std::size_t>(geometry.size[0]) * sizeof(float);
    for (int r = 0; r < slice.pixels.rows; ++r)
        std::memcpy(destination + static_cast<std::size_t>(r) * static_cast<std::size_t>(geometry.size[0]), slice.pixels.ptr<float>(r), rowBytes);
    if (plane.frameRescale) {
        // The decoder applied the top-level rescale (if any); the frame's own transformation replaces it.
        const double slope = slice.info.rescaleSlope, intercept = slice.info.rescaleIntercept;
        const std::size_t count = static_cast<std::size_t>(geometry.size[0]) * static_cast<std::size_t>(geometry.size[1]);
        for (std::size_t i = 0; i < count; ++i) {
            const double stored = (destination[i] - intercept) / slope;
            destination[i] = static_cast<float>(stored * plane.rescale[0] + plane.rescale[1]);
        }
    }
}

} // namespace

Volume readDicomSeriesVolume(const DicomSeries& series, const CancelToken* cancel)
{
    if (!series.isUsable())
        throw NeuroDxError(ErrorKind::UnsupportedFormat, series.files.empty() ? std::filesystem::path() : series.files.front().parent_path(),
                           series.error);
    Volume volume;
    volume.geometry = series.geometry;
    volume.voxels.assign(volume.geometry.voxelCount(), 0.0f);
    const std::size_t planeSize = static_cast<std::size_t>(volume.nx()) * static_cast<std::size_t>(volume.ny());
    std::vector<std::size_t> indexOfSlice(series.slices.size());
    for (std::size_t k = 0; k < series.sliceAtIndex.size(); ++k)
        if (series.sliceAtIndex[k] >= 0)
            indexOfSlice[static_cast<std::size_t>(series.sliceAtIndex[k])] = k;

    if (series.isMultiFrame()) {
        const std::vector<Slice> frames = readDicomFrames(series.slices.front().file);
        for (std::size_t s = 0; s < series.slices.size(); ++s) {
            const SeriesSlice& plane = series.slices[s];
            if (plane.frame < 0 || static_cast<std::size_t>(plane.frame) >= frames.size())
                throw NeuroDxError(ErrorKind::CorruptFile, plane.file, "frame " + std::to_string(plane.frame + 1) + " is missing from the pixel data");
            copyPlane(frames[static_cast<std::size_t>(plane.frame)], plane, volume.geometry, volume.voxels.data() + indexOfSlice[s] * planeSize);
        }
    } else {
        parallelFor(
            series.slices.size(), cancel,
            [&](std::size_t s) {
                const SeriesSlice& plane = series.slices[s];
                copyPlane(readDicomSlice(plane.file, plane.frame), plane, volume.geometry, volume.voxels.data() + indexOfSlice[s] * planeSize);
            },
            8, "reading the series was cancelled");
    }

    // Missing slices: linear interpolation between the nearest present neighbours.
    const int total = volume.nz();
    for (int k = 0; k < total; ++k) {
        if (series.sliceAtIndex[static_cast<std::size_t>(k)] >= 0)
            continue;
        int below = k - 1, above = k + 1;
        while (series.sliceAtIndex[static_cast<std::size_t>(above)] < 0)
            ++above; // the last slice is always present
        const float t = static_cast<float>(k - below) / static_cast<float>(above - below);
        float* out = volume.voxels.data() + static_cast<std::size_t>(k) * planeSize;
        const float* a = volume.voxels.data() + static_cast<std::size_t>(below) * planeSize;
        const float* b = volume.voxels.data() + static_cast<std::size_t>(above) * planeSize;
        for (std::size_t i = 0; i < planeSize; ++i)
            out[i] = (1.0f - t) * a[i] + t * b[i];
    }

    volume.source.kind = series.isMultiFrame() ? "DICOM multi-frame" : "DICOM series";
    volume.source.path = series.slices.front().file.parent_path();
    for (const SeriesSlice& plane : series.slices)
        if (volume.source.files.empty() || volume.source.files.back() != plane.file)
            volume.source.files.push_back(plane.file);
    volume.source.seriesInstanceUid = series.seriesInstanceUid;
    volume.source.seriesDescription = series.seriesDescription;
    volume.source.modality = series.modality;
    volume.source.storedAxes = volume.geometry.axisCodes();
    volume.source.warnings = series.warnings;
    for (const int s : series.sliceAtIndex)
        volume.source.sliceFiles.push_back(s >= 0 ? series.slices[static_cast<std::size_t>(s)].file : std::filesystem::path());
    return volume;
}

} // namespace neurodx
