#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// A synthetic download from ADNI's Image and Data Archive (IDA): whole 3D MPRAGE scans of phantom
// heads, laid out and named as IDA lays them out, with the collection CSV. For import tests and
// benchmarks; the subjects are made up.
struct AdniDownloadOptions {
    int subjectsPerClass = 2;    // CN, MCI and AD subjects each
    int smcSubjects = 1;         // "SMC" (significant memory concern) subjects, which an import skips
    int visits = 2;              // 1..5 per subject: sc or bl, m06, m12, m24, m36
    int inPlaneVoxels = 64;      // per side of each slice
    int slices = 60;
    double difficulty = 0.5;     // as PhantomOptions::difficulty
    std::uint64_t seed = 42;
    // Shares of all scans, rounded to whole scans and picked deterministically from the seed.
    double niftiFraction = 0.0;   // written as one NIfTI-1 file (.nii and .nii.gz alternately) instead of DICOM
    double axialFraction = 0.0;   // acquired axially; the others sagittal, as most ADNI MPRAGE
    double obliqueFraction = 0.0; // tilted 8..15 degrees about the left-right axis
    bool noise = true;
    std::filesystem::path csvPath; // empty: ROOT/kAdniCollectionCsvName
};

inline constexpr const char* kAdniCollectionCsvName = "Synthetic_ADNI_MPRAGE_collection.csv";

// One scan (one IDA image id) as written.
struct AdniScan {
    std::string subject;      // "027_S_1003"
    std::string group;        // the CSV's Group: "CN", "MCI", "EMCI", "LMCI", "AD" or "SMC"
    std::string className;    // the class it belongs to: "CN", "MCI", "AD" or "SMC"
    std::string visit;        // "sc", "bl", "m06", "m12", "m24", "m36"
    std::string acqDate;      // as in the CSV: "4/18/2006"
    long long imageId = 0;    // the CSV's "Image Data ID" is "I" followed by it
    long long seriesId = 0;
    std::filesystem::path path; // DICOM: the I<imageId> folder; NIfTI: the file
    std::string kind;           // "DICOM" or "NIfTI"
    std::string storedAxes;     // the grid's axis codes ("PIR" sagittal, "LPS" axial)
    double obliqueDegrees = 0.0;
    int slices = 0;             // k-slices of the volume
    int files = 0;              // files written for it (slices for DICOM, 1 for NIfTI)
};

struct AdniDownloadSummary {
    std::filesystem::path root;
    std::filesystem::path csvPath;
    std::vector<AdniScan> scans; // in CSV row order: by subject, then visit
    int subjects = 0;
    int files = 0;               // image files, the CSV excluded
};

// Writes ROOT/ADNI/<PTID>/MPRAGE/<YYYY-MM-DD_hh_mm_ss.0>/I<imageId>/ with either one
// ADNI_<PTID>_MR_MPRAGE_br_raw_<stamp>_<n>_S<seriesId>_I<imageId>.dcm per slice (uint16, no rescale)
// or ADNI_<PTID>_MR_MPRAGE_br_raw_<stamp>_S<seriesId>_I<imageId>.nii[.gz] (int16), and the collection
// CSV with the columns "Image Data ID","Subject","Group","Sex","Age","Visit","Modality","Description",
// "Type","Acq Date","Format","Downloaded". Each subject's anatomy is drawn once with
// drawPhantomSubject at its class's disease level (CN 0, MCI 0.5, AD 1), with a little more atrophy
// at each later visit. Same options -> byte-identical files. Throws NeuroDxError on bad options or
// when a file cannot be written.
AdniDownloadSummary writeSyntheticAdniDownload(const std::filesystem::path& root, const AdniDownloadOptions& options,
                                               const CancelToken* cancel = nullptr,
                                               const std::function<void(int done, int total)>& progress = {});

} // namespace neurodx
