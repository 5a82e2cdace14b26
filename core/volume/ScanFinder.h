#pragma once

#include "volume/DicomSeries.h"
#include "volume/Volume.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// A 3D scan on disk: a DICOM series (its files grouped by SeriesInstanceUID, wherever they lie) or
// a NIfTI file. `error` says why it cannot be read as a volume (a mosaic, a gap too large, an
// Analyze file...); such scans are listed so that nothing disappears silently.
struct ScanSource {
    enum class Kind { DicomSeries, Nifti };
    Kind kind = Kind::Nifti;
    std::filesystem::path path;   // the NIfTI file, or the folder of the series' first file
    DicomSeries series;           // DICOM only
    std::string error;
    std::vector<std::string> warnings;

    bool isUsable() const { return error.empty(); }
    std::size_t fileCount() const { return kind == Kind::Nifti ? 1 : series.files.size(); }
    // The file the scan's identity (ADNI subject and image id) is read from.
    std::filesystem::path firstFile() const { return kind == Kind::Nifti ? path : series.files.front(); }
    // "DICOM series, 170 files, MPRAGE" / "NIfTI, ADNI_..._I13722.nii.gz"
    std::string label() const;
};

struct ScanSearch {
    std::vector<ScanSource> scans;                    // sorted by path
    std::vector<std::filesystem::path> images;        // 2D images: raster files and lone DICOM slices
    std::vector<std::pair<std::filesystem::path, std::string>> skipped; // neither, with the reason
};

// Finds every scan below `folder` (or only in it, when not `recursive`): DICOM headers are read in
// parallel, series assembled across folders, NIfTI files (.nii, .nii.gz, .hdr) recognised. Junk
// (hidden files, AppleDouble, __MACOSX) is passed over. `progress(filesSeen)` every few hundred
// files. Throws NeuroDxError when the folder cannot be listed, NeuroDxError(Cancelled) on cancel.
ScanSearch findScans(const std::filesystem::path& folder, bool recursive = true, const CancelToken* cancel = nullptr,
                     const std::function<void(std::size_t filesSeen)>& progress = {});

// Reads a scan and puts it in NeuroDx's canonical orientation (toCanonical). Throws NeuroDxError
// naming the file or folder when it cannot be read.
Volume loadScan(const ScanSource& scan, const CancelToken* cancel = nullptr);

// What a viewer or the command line opens as a scan: a NIfTI file; a DICOM file whose series (found
// in the same folder) has several slices; a folder holding a scan. A folder with several scans
// opens the one with the most files and says so in the volume's warnings. Throws NeuroDxError
// naming the path when it holds no readable scan (with the reasons of those that are not).
Volume openScan(const std::filesystem::path& path, const CancelToken* cancel = nullptr);

// True when openScan() would find a scan: a NIfTI file, or a DICOM file or folder whose series has
// at least two slice positions. Reads headers only.
bool isScanPath(const std::filesystem::path& path);

} // namespace neurodx
