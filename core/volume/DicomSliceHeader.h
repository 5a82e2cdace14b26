#pragma once

#include "volume/Volume.h"

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// The attributes of one DICOM file that decide where its pixels sit in a series (PS3.3 C.7.6.2
// Image Plane, C.7.6.16 Multi-frame Functional Groups), read without decoding the pixels.
// Image attributes come from the top-level dataset only: icon images and sequences carry their own.
struct DicomSliceHeader {
    std::filesystem::path file;
    std::string sopClassUid;
    std::string sopInstanceUid;
    std::string seriesInstanceUid;
    std::string studyInstanceUid;
    std::string seriesDescription;
    std::string modality;
    std::string patientId;        // for subject grouping only: never logged or shown as is
    std::string studyDate;        // YYYYMMDD (StudyDate, else SeriesDate, else AcquisitionDate)
    std::vector<std::string> imageType;
    std::string transferSyntaxUid;
    int rows = 0;
    int columns = 0;
    int samplesPerPixel = 1;
    int frames = 1;
    std::optional<int> instanceNumber;
    std::optional<int> echoNumber;
    std::optional<int> acquisitionNumber;
    std::optional<int> temporalPosition;
    // PixelSpacing: the distance between rows (along a column) then between columns (along a row).
    std::optional<std::array<double, 2>> pixelSpacing;
    std::optional<double> sliceThickness;
    // ImageOrientationPatient: the row direction (along i) then the column direction (along j).
    std::optional<std::array<Vec3, 2>> orientation;
    // ImagePositionPatient of each frame's first pixel (single-frame files: one entry).
    std::vector<Vec3> framePositions;
    // Enhanced multi-frame objects: each frame's RescaleSlope/Intercept when the functional groups give them.
    std::vector<std::array<double, 2>> frameRescale;
    bool isEnhancedMultiFrame = false; // per-frame functional groups present
    int mosaicImages = 0;              // Siemens mosaic: images tiled in each frame (0: not a mosaic)

    bool hasImageType(const std::string& value) const;
    bool isLocalizer() const { return hasImageType("LOCALIZER"); }
    bool isMosaic() const { return mosaicImages > 1 || hasImageType("MOSAIC"); }
    bool hasPlaneGeometry() const { return orientation.has_value() && !framePositions.empty(); }
    // The unit normal of the image plane: row direction x column direction.
    Vec3 sliceNormal() const;
};

// Throws NeuroDxError naming the file when it is not a readable DICOM object.
DicomSliceHeader readDicomSliceHeader(const std::filesystem::path& file);

} // namespace neurodx
