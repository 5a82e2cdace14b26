#include "VolumeSlicing.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace neurodx {

const char* slicePlaneName(SlicePlane plane)
{
    switch (plane) {
    case SlicePlane::Axial: return "axial";
    case SlicePlane::Coronal: return "coronal";
    case SlicePlane::Sagittal: return "sagittal";
    }
    return "axial";
}

char slicePlaneLetter(SlicePlane plane) { return slicePlaneName(plane)[0]; }

SlicePlane slicePlaneFromName(const std::string& name)
{
    const std::string lower = toLower(trim(name));
    for (const SlicePlane plane : {SlicePlane::Axial, SlicePlane::Coronal, SlicePlane::Sagittal})
        if (lower == slicePlaneName(plane))
            return plane;
    throw NeuroDxError(ErrorKind::InvalidArgument, "the plane must be axial, coronal or sagittal, not '" + name + "'");
}

namespace {

// The volume axis a plane's slices are taken along.
int normalAxis(SlicePlane plane)
{
    return plane == SlicePlane::Axial ? 2 : plane == SlicePlane::Coronal ? 1 : 0;
}

void requireCanonical(const Volume& volume)
{
    if (volume.geometry.axisCodes() != "LPS")
        throw NeuroDxError(ErrorKind::InvalidArgument, volume.source.path,
                           "the volume is stored " + volume.geometry.axisCodes() + ", not in NeuroDx's canonical LPS order (reorient it first)");
}

} // namespace

int sliceCount(const Volume& canonical, SlicePlane plane)
{
    return canonical.geometry.size[static_cast<std::size_t>(normalAxis(plane))];
}

double slicePositionMm(const Volume& canonical, SlicePlane plane, int index)
{
    const int axis = normalAxis(plane);
    const Vec3 p = canonical.geometry.toPatient(axis == 0 ? index : 0, axis == 1 ? index : 0, axis == 2 ? index : 0);
    return p[static_cast<std::size_t>(axis)];
}

std::string slicePositionText(const Volume& canonical, SlicePlane plane, int index)
{
    const double mm = slicePositionMm(canonical, plane, index);
    static const char positive[] = {'L', 'P', 'S'};
    static const char negative[] = {'R', 'A', 'I'};
    const auto axis = static_cast<std::size_t>(normalAxis(plane));
    char text[48];
    std::snprintf(text, sizeof text, "%c %.1f mm", mm >= 0 ? positive[axis] : negative[axis], std::abs(mm));
    return text;
}

std::filesystem::path sliceSourceFile(const Volume& canonical, SlicePlane plane, int index)
{
    const VolumeSource& source = canonical.source;
    if (source.sliceAxis != normalAxis(plane) || source.sliceFiles.empty() || index < 0 || index >= sliceCount(canonical, plane))
        return {};
    const auto stored = static_cast<std::size_t>(source.sliceAxisReversed ? sliceCount(canonical, plane) - 1 - index : index);
    return stored < source.sliceFiles.size() ? source.sliceFiles[stored] : std::filesystem::path();
}

std::pair<float, float> valueRange(const Volume& volume)
{
    if (volume.voxels.empty())
        return {0.0f, 0.0f};
    const auto [low, high] = std::minmax_element(volume.voxels.begin(), volume.voxels.end());
    return {*low, *high};
}

Slice volumeSlice(const Volume& canonical, SlicePlane plane, int index, std::optional<std::pair<float, float>> range)
{
    requireCanonical(canonical);
    const int count = sliceCount(canonical, plane);
    if (index < 0 || index >= count)
        throw NeuroDxError(ErrorKind::InvalidArgument, canonical.source.path,
                           std::string("no ") + slicePlaneName(plane) + " slice " + std::to_string(index) + " (the volume has " + std::to_string(count) + ")");
    const VolumeGeometry& g = canonical.geometry;
    const int nx = g.size[0], ny = g.size[1], nz = g.size[2];
    int width = 0, height = 0;
    double columnSpacing = 1, rowSpacing = 1;
    cv::Mat pixels;
    switch (plane) {
    case SlicePlane::Axial:
        width = nx, height = ny, columnSpacing = g.spacing[0], rowSpacing = g.spacing[1];
        pixels.create(height, width, CV_32FC1);
        for (int j = 0; j < ny; ++j)
            std::copy_n(&canonical.voxels[canonical.offset(0, j, index)], nx, pixels.ptr<float>(j));
        break;
    case SlicePlane::Coronal:
        width = nx, height = nz, columnSpacing = g.spacing[0], rowSpacing = g.spacing[2];
        pixels.create(height, width, CV_32FC1);
        for (int k = 0; k < nz; ++k)
            std::copy_n(&canonical.voxels[canonical.offset(0, index, k)], nx, pixels.ptr<float>(nz - 1 - k));
        break;
    case SlicePlane::Sagittal:
        width = ny, height = nz, columnSpacing = g.spacing[1], rowSpacing = g.spacing[2];
        pixels.create(height, width, CV_32FC1);
        for (int k = 0; k < nz; ++k) {
            float* row = pixels.ptr<float>(nz - 1 - k);
            for (int j = 0; j < ny; ++j)
                row[j] = canonical.at(index, j, k);
        }
        break;
    }

    Slice slice;
    double pixelSpacing = std::min(columnSpacing, rowSpacing);
    if (std::abs(columnSpacing - rowSpacing) > 0.01 * pixelSpacing) {
        const int squareWidth = std::max(1, static_cast<int>(std::lround(width * columnSpacing / pixelSpacing)));
        const int squareHeight = std::max(1, static_cast<int>(std::lround(height * rowSpacing / pixelSpacing)));
        cv::resize(pixels, slice.pixels, cv::Size(squareWidth, squareHeight), 0, 0, cv::INTER_LINEAR);
    } else {
        slice.pixels = pixels;
        pixelSpacing = columnSpacing;
    }
    SliceInfo& info = slice.info;
    info.format = canonical.source.kind.rfind("NIfTI", 0) == 0 ? ImageFormat::Nifti : ImageFormat::Dicom;
    info.width = slice.pixels.cols;
    info.height = slice.pixels.rows;
    info.bitsAllocated = 32;
    info.bitsStored = 32;
    info.isSigned = true;
    info.modality = canonical.source.modality;
    info.frames = count;
    info.frame = index;
    info.pixelSpacingRow = pixelSpacing;
    info.pixelSpacingColumn = pixelSpacing;
    const auto [low, high] = range ? *range : valueRange(canonical);
    info.volumeRange = std::make_pair(static_cast<double>(low), static_cast<double>(high));
    return slice;
}

} // namespace neurodx
