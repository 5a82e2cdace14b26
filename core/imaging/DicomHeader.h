#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace neurodx {

// The few header facts a dataset scan needs, read without touching the pixel data.
struct DicomHeaderSummary {
    bool hasPixelData = false;
    bool isDirectory = false;  // a DICOMDIR
    std::string patientId;     // only for grouping; never logged or reported as is
    std::string modality;
    std::string seriesInstanceUid;
    // ImagePositionPatient projected on the slice normal, when both position and orientation are
    // given: files of one series at several positions are slices of a 3D scan.
    std::optional<double> positionAlongNormal;
};

// Throws NeuroDxError naming the file when it is not a readable DICOM object.
DicomHeaderSummary readDicomHeader(const std::filesystem::path& file);

} // namespace neurodx
