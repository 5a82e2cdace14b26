#pragma once

#include <filesystem>
#include <string>

namespace neurodx {

// The few header facts a dataset scan needs, read without touching the pixel data.
struct DicomHeaderSummary {
    bool hasPixelData = false;
    bool isDirectory = false;  // a DICOMDIR
    std::string patientId;     // only for grouping; never logged or reported as is
    std::string modality;
};

// Throws NeuroDxError naming the file when it is not a readable DICOM object.
DicomHeaderSummary readDicomHeader(const std::filesystem::path& file);

} // namespace neurodx
