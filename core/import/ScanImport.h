#pragma once

#include "dataset/ClassScheme.h"
#include "import/ImportFiles.h"
#include "volume/ScanFinder.h"
#include "volume/SliceSelection.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

class CancelToken;

// An ADNI download (DICOM series or NIfTI volumes, with or without IDA's collection CSV) becomes the
// class-folder layout that scan and train read: OUT/<class>/<subject>/<class><subject>_<visit>_<image>_<a|c|s><index>.png,
// one 8-bit PNG per chosen slice, windowed exactly as the model input is (so a PNG and the slice it
// came from give the same model input), plus OUT/manifest.csv (where every slice came from) and
// OUT/import.json (the options, which training copies into the model file).
struct ImportOptions {
    std::filesystem::path source;
    std::filesystem::path output;
    std::optional<std::filesystem::path> metadataCsv; // IDA collection CSV: class (Group), subject, visit, date
    ClassScheme classes = ClassScheme::adniDefault();
    SliceSelection slices;                            // plane and rule
    bool baselineOnly = false;                        // only each subject's first visit (as ClinicaDL can)
};

// One scan found in the source and what the import will do with it.
struct PlannedScan {
    ScanSource source;
    std::string relativePath;   // of the NIfTI file or the series' first file, '/' separated
    std::string key;            // unique and file-name safe: the ADNI image id, else a hash of the series UID or path
    std::string subject;        // ADNI PTID, else a pseudonym of the DICOM PatientID, else "unknown-<key>"
    std::string visit;          // the CSV's Visit, else the acquisition date (YYYYMMDD), else "scan"
    std::string date;           // YYYY-MM-DD when known
    std::string imageDataId;    // "I13722" when known
    std::string group;          // as the CSV or folder names it ("EMCI")
    std::string description;    // CSV Description, else SeriesDescription
    int label = -1;             // class index; -1 when skipped
    std::string skipReason;     // why it is not imported (not a class, not baseline, unreadable)
    bool alreadyImported = false;

    bool willImport() const { return skipReason.empty() && !alreadyImported; }
};

struct ImportPlan {
    ImportOptions options;
    std::vector<std::string> classNames;
    std::vector<PlannedScan> scans;        // sorted by relative path
    std::vector<std::string> warnings;     // metadata CSV problems, subjects without ids...
    std::size_t otherFiles = 0;            // files that are neither scans nor images (listed by the search)
    std::size_t images2d = 0;              // 2D images in the source (not imported)

    std::size_t countToImport() const;
    std::size_t countAlreadyImported() const;
    std::size_t countSkipped() const;
};

// Finds every scan and decides class, subject, visit and what to skip, without writing anything.
// Throws NeuroDxError when the source cannot be read, the CSV is unusable, or the output folder was
// imported before with other slice options.
ImportPlan planImport(const ImportOptions& options, const CancelToken* cancel = nullptr,
                      const std::function<void(std::size_t filesSeen)>& progress = {});

struct ImportProgress {
    std::size_t scansDone = 0;   // imported, failed or skipped so far in this run
    std::size_t scansTotal = 0;  // to import in this run
    std::size_t slicesWritten = 0;
    std::string current;         // "002_S_0295 m06 (I13722)"
};

struct ImportFailure {
    std::string relativePath;
    std::string reason;
};

struct ImportResult {
    std::size_t scansImported = 0;    // in this run
    std::size_t scansAlreadyDone = 0; // by an earlier run (resumed)
    std::size_t slicesWritten = 0;    // in this run
    std::size_t slicesInManifest = 0;
    std::vector<ImportFailure> failures; // damaged scans, reported and left out
    std::filesystem::path manifest;
};

// Writes what the plan says. Each PNG is written to a temporary file and renamed; a scan's rows
// enter the manifest only when all its slices are written, and a scan that fails midway leaves none
// of its files. Re-running skips scans already imported. Cancel stops between slices (throws
// NeuroDxError(Cancelled) after removing the unfinished scan's files).
ImportResult runImport(const ImportPlan& plan, const CancelToken* cancel = nullptr,
                       const std::function<void(const ImportProgress&)>& progress = {});

// The slice options a dataset folder was imported with (its import.json), for the model file.
std::optional<SliceSelection> importedSliceSelection(const std::filesystem::path& datasetRoot);

} // namespace neurodx
