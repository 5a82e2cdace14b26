#pragma once

#include "dataset/ClassScheme.h"
#include "dataset/DatasetIndex.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>

namespace neurodx {

class CancelToken;

struct ScanOptions {
    ClassScheme classes = ClassScheme::adniDefault();
    // ADNI download CSV: supplies subjects and, for images outside class folders, the class.
    std::optional<std::filesystem::path> metadataCsv;
    // Read DICOM headers for the PatientID (subject fallback) and to skip objects without pixels.
    bool readDicomHeaders = true;
};

// Called every few hundred files with the number of files looked at so far.
using ScanProgress = std::function<void(std::size_t filesSeen)>;

// Walks `root` recursively. The first-level folder gives the class (case-insensitive, with
// aliases); deeper folders belong to it. Reads only file headers: decoding problems surface when an
// image is loaded. Throws NeuroDxError when the root is not a readable folder or the metadata CSV
// is unusable, and ErrorKind::Cancelled when `cancel` is set; per-file problems become
// DatasetIndex::skipped entries.
DatasetIndex scanDataset(const std::filesystem::path& root, const ScanOptions& options = {},
                         const CancelToken* cancel = nullptr, const ScanProgress& progress = {});

// Why a file name is junk that any dataset tool should pass over ("AppleDouble resource fork",
// "hidden file"...), or nothing when it is an ordinary name.
std::optional<std::string> junkFileReason(const std::string& fileName);
std::optional<std::string> junkFolderReason(const std::string& folderName);

} // namespace neurodx
