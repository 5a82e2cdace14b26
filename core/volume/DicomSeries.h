#pragma once

#include "volume/DicomSliceHeader.h"
#include "volume/Volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {

// One image plane of an assembled series: a single-frame file, or one frame of a multi-frame file.
struct SeriesSlice {
    std::filesystem::path file;
    int frame = 0;
    double offsetMm = 0;                  // position along the slice normal
    std::array<double, 2> rescale{1, 0};  // enhanced multi-frame: the frame's slope and intercept
    bool frameRescale = false;            // `rescale` comes from the functional groups
};

// The files of one SeriesInstanceUID put in order and checked, ready to decode into a Volume.
// `error` says why the series cannot make a volume (a mosaic, one slice, mixed stacks...); then
// nothing else is meaningful but the identity fields and `files`.
struct DicomSeries {
    std::string seriesInstanceUid;
    std::string seriesDescription;
    std::string modality;
    std::string patientId;    // never shown or logged as is
    std::string studyDate;    // YYYYMMDD
    std::vector<std::filesystem::path> files;   // every file of the series, sorted by path
    std::vector<SeriesSlice> slices;            // the planes used, ordered along the normal
    VolumeGeometry geometry;                    // size[2] counts missing slices too
    std::vector<int> sliceAtIndex;              // k -> index into `slices`, -1 where a slice is missing
    std::vector<std::string> warnings;          // localizers passed over, gaps filled, other echoes...
    std::string error;

    bool isUsable() const { return error.empty(); }
    bool isMultiFrame() const { return !slices.empty() && slices.front().file == slices.back().file && slices.size() > 1; }
    int missingSlices() const;
};

// Groups headers by SeriesInstanceUID (never by folder or file name), orders each series' planes by
// ImagePositionPatient projected on the slice normal (not by InstanceNumber or name), and checks
// that they make one volume: one orientation, one size, one pixel spacing, evenly spaced. Reported:
// localizers and odd stacks passed over, duplicated positions, several echoes or time points (the
// first volume is used), missing slices (up to a few, later filled by linear interpolation),
// Siemens mosaics and colour images (refused). Series come back sorted by their first file.
std::vector<DicomSeries> assembleDicomSeries(const std::vector<DicomSliceHeader>& headers);

// Pixel data of a usable series as a Volume: every plane decoded (in parallel), modality values as
// float, missing slices filled by linear interpolation between their neighbours. Throws
// NeuroDxError naming the file that cannot be decoded or that disagrees with its header.
class CancelToken;
Volume readDicomSeriesVolume(const DicomSeries& series, const CancelToken* cancel = nullptr);

} // namespace neurodx
