#pragma once

#include "dataset/ImageFormat.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// Where an image's subject id came from, strongest first.
enum class SubjectSource { MetadataCsv, FileName, FolderName, DicomPatientId, None };
const char* subjectSourceName(SubjectSource source);

struct DatasetEntry {
    std::string path;    // relative to the dataset root, '/' separated
    int label = -1;      // index into DatasetIndex::classNames
    std::string subject; // empty when none could be identified
    SubjectSource subjectSource = SubjectSource::None;
    std::optional<int> sliceIndex;
    ImageFormat format = ImageFormat::Unknown;

    bool hasSubject() const { return !subject.empty(); }
    // The unit that must not be split across parts: the subject, or the file itself when unknown.
    std::string groupKey() const { return hasSubject() ? subject : "file:" + path; }
};

struct SkippedFile {
    std::string path; // relative to the root
    std::string reason;
};

struct UnassignedFolder {
    std::string path; // first-level folder that names no class
    std::size_t files = 0;
};

struct ClassSummary {
    std::size_t images = 0;
    std::size_t subjects = 0;               // distinct identified subjects
    std::size_t imagesWithoutSubject = 0;   // each becomes its own group in a split
};

// The result of scanning a dataset folder: one entry per usable image, and everything that was
// passed over with the reason.
struct DatasetIndex {
    std::filesystem::path root;
    std::vector<std::string> classNames;
    std::vector<DatasetEntry> entries; // sorted by path
    std::vector<SkippedFile> skipped;  // sorted by path
    std::vector<UnassignedFolder> unassignedFolders;
    std::vector<std::string> warnings;

    std::vector<ClassSummary> classSummaries() const; // indexed by label
    std::size_t totalSubjects() const;
    std::size_t imagesWithoutSubject() const;
    std::map<std::string, std::size_t> formatCounts() const;
    std::map<std::string, std::size_t> subjectSourceCounts() const;
    // Subjects whose images sit in more than one class folder (ADNI conversions CN -> MCI -> AD).
    std::vector<std::string> subjectsInSeveralClasses() const;

    std::filesystem::path absolutePath(const DatasetEntry& entry) const { return root / entry.path; }

    // The names of the classes that have at least one image.
    std::vector<std::string> classesWithImages() const;
    // Training needs images of at least two classes (with one, every model is "100% accurate"):
    // throws NeuroDxError(InvalidDataset) naming the root and the empty classes otherwise.
    void requireTwoClassesWithImages() const;

    // The shape `neurodx-cli scan --json` prints; entries only when asked (they can be thousands).
    nlohmann::json toJson(bool withEntries = false) const;
};

} // namespace neurodx
