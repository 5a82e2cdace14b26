#pragma once

#include "imaging/DicomWriter.h"
#include "volume/Volume.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

enum class DicomSeriesLayout {
    SliceFiles,         // one MR Image Storage file per k-slice: the common scanner export
    EnhancedMultiFrame, // one Enhanced MR Image Storage file, a frame per k-slice (PS3.3 C.7.6.16)
    SiemensMosaic,      // one MR file, the slices tiled in a square mosaic (ImageType ...\MOSAIC):
                        // for readers to recognise and refuse
};

enum class DicomLocalizer {
    None,
    SameSeries,  // a localizer in the series' own SeriesInstanceUID, as some exports mix them
    OtherSeries, // its own series (and SeriesNumber) in the same folder
};

// ADNI download file names: ADNI_<PTID>_MR_<description>_br_raw_<stamp>_<n>_S<series>_I<image>.dcm,
// where stamp is YYYYMMDDhhmmss plus three millisecond digits that differ from file to file.
struct AdniFileNaming {
    std::string subject;            // "002_S_0295"
    std::string description = "MPRAGE";
    std::string dateTime;           // 14 digits: YYYYMMDDhhmmss
    long long seriesId = 0;         // S<seriesId>
    long long imageId = 0;          // I<imageId>: the same for every file of a series, as in ADNI
};

struct DicomSeriesWriteOptions {
    DicomSeriesLayout layout = DicomSeriesLayout::SliceFiles;
    DicomEncoding encoding = DicomEncoding::ExplicitLittleEndian;
    bool signedPixels = true; // int16 (PixelRepresentation 1) or uint16
    // Stored value * slope + intercept = voxel value. When absent: slope 1 and intercept 0 (and no
    // Rescale attributes) when every value is an integer the pixel type holds, otherwise the value
    // range spread over the type's range. Values round-trip within half a slope step.
    std::optional<double> rescaleSlope;
    std::optional<double> rescaleIntercept;
    std::optional<double> windowCenter;
    std::optional<double> windowWidth;

    // Made-up identifiers for synthetic data, never a person's.
    std::string patientId = "SYNTHETIC";
    std::string patientName = "SYNTHETIC^PHANTOM";
    std::string patientSex;     // "M", "F" or empty
    std::string patientAge;     // "075Y" or empty
    std::string studyDate = "20000101";
    std::string studyTime = "120000";
    std::string acquisitionDate; // empty: the study date
    std::string seriesDescription = "Synthetic MPRAGE";
    int seriesNumber = 2;
    std::string imageType = "ORIGINAL\\PRIMARY\\M\\ND";
    // UIDs under 2.25 derived from this value (study, series, frame of reference, one per file).
    std::uint64_t uidSeed = 0;

    // File names: a printf pattern with one integer conversion for the file number n (k + 1 for
    // slice k; the localizer takes the number after the last slice), unless adniNaming is set.
    std::string fileNamePattern = "IM%04d.dcm";
    std::optional<AdniFileNaming> adniNaming;
    // Test realism, all deterministic by orderSeed: file numbers shuffled against slice order (or
    // the frame order of a multi-frame file), InstanceNumbers a random permutation instead of k + 1.
    std::uint64_t orderSeed = 0;
    bool shuffleFileNames = false;
    bool randomInstanceNumbers = false;
    std::vector<int> omittedSlices; // k indices left out: a gap in the series
    DicomLocalizer localizer = DicomLocalizer::None;
};

struct WrittenDicomSeries {
    std::vector<std::filesystem::path> files; // slice files in k order (one file for multi-frame or mosaic)
    std::vector<int> slices;                  // the k index of each slice file (or frame)
    std::filesystem::path localizer;          // empty without one
    std::string seriesInstanceUid;
    std::string studyInstanceUid;
};

// Writes the volume's k-slices as DICOM MR into `folder` (created if needed): ImageOrientationPatient
// is direction[0] \ direction[1], ImagePositionPatient of slice k is toPatient(0, 0, k), PixelSpacing
// spacing[1] \ spacing[0] (between rows, then between columns), SliceThickness and
// SpacingBetweenSlices spacing[2]; Columns = nx, Rows = ny. Each file is written atomically.
// Same volume and options -> same bytes. Throws NeuroDxError naming the file.
WrittenDicomSeries writeDicomSeries(const std::filesystem::path& folder, const Volume& volume,
                                    const DicomSeriesWriteOptions& options = {});

} // namespace neurodx
