#pragma once

#include <opencv2/core/mat.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// The anatomy of one synthetic subject: everything that makes two people's brains look different
// before any disease. Drawn once per subject and shared by all its slices, which is what lets a
// model that sees a subject's slices in training recognise the person in the test set.
struct PhantomSubject {
    double headRadiusX = 0.40, headRadiusY = 0.46; // fractions of the image side
    double rotation = 0.0;                          // radians
    double offsetX = 0.0, offsetY = 0.0;
    double skullThickness = 0.04;
    double gyralFrequency = 12, gyralPhase = 0, gyralAmplitude = 0.02;
    std::vector<double> sulcusAngles;   // radians
    std::vector<double> sulcusDepths;   // fraction of the brain radius
    double gain = 1.0;                  // scanner/coil intensity scale
    double greyWhiteContrast = 0.2;
    double biasX = 0, biasY = 0, biasXY = 0; // smooth multiplicative bias field
    double noiseSigma = 0.03;
    double centreLevel = 0.5;           // axial level of the middle slice
    // Disease: 0 = none, 1 = typical AD. Class level plus individual variation.
    double atrophy = 0.0;
    double ventricleScale = 1.0;        // individual ventricle size before atrophy
};

struct PhantomOptions {
    int subjectsPerClass = 24;
    int slicesPerSubject = 10;
    int size = 128;              // square image side in pixels
    double difficulty = 0.5;     // 0: classes far apart; 1: heavy overlap between classes
    std::uint64_t seed = 42;
    std::vector<std::string> classNames{"CN", "MCI", "AD"}; // disease level rises with the label
    enum class Format { Png, Dicom, Mixed };
    Format format = Format::Png; // Mixed: PNG for even subjects, 16-bit MR DICOM for odd ones
    bool writeMetadataCsv = true; // ADNI-style metadata.csv at the root
};

// Draws one subject's anatomy; `diseaseLevel` in [0, 1] (CN 0, MCI 0.5, AD 1 by default).
PhantomSubject drawPhantomSubject(std::uint64_t seed, int subjectIndex, double diseaseLevel, double difficulty);

// Renders one axial slice at `level` (0 = skull base, 1 = vertex) as CV_32FC1 in [0, 1] (T1-like
// contrast: white matter bright, CSF dark), size x size. Deterministic for (subject, level, noiseSeed).
cv::Mat renderPhantomSlice(const PhantomSubject& subject, double level, int size, std::uint64_t noiseSeed);

struct SyntheticDatasetSummary {
    std::filesystem::path root;
    int subjects = 0;
    int images = 0;
    std::vector<std::string> files; // relative paths written, sorted
};

// Writes an ADNI-like tree: ROOT/<class>/<SSS_S_NNNN>/ADNI_<SSS_S_NNNN>_MR_Synthetic_Axial_z<level>_I<id>.png
// (or .dcm), plus metadata.csv in ADNI's download format. Same options -> byte-identical files.
// Throws NeuroDxError on bad options or when a file cannot be written.
SyntheticDatasetSummary writeSyntheticDataset(const std::filesystem::path& root, const PhantomOptions& options,
                                              const CancelToken* cancel = nullptr,
                                              const std::function<void(int done, int total)>& progress = {});

} // namespace neurodx
