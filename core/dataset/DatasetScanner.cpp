#include "DatasetScanner.h"

#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "dataset/MetadataCsv.h"
#include "dataset/PatientPseudonym.h"
#include "dataset/SubjectId.h"
#include "imaging/DicomHeader.h"
#include "import/ImportFiles.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <system_error>

namespace fs = std::filesystem;

namespace neurodx {

std::optional<std::string> junkFileReason(const std::string& name)
{
    if (startsWith(name, "._"))
        return "AppleDouble resource file (macOS metadata)";
    if (name == ".DS_Store")
        return "macOS folder metadata (.DS_Store)";
    const std::string lower = toLower(name);
    if (lower == "thumbs.db" || lower == "ehthumbs.db")
        return "Windows thumbnail cache";
    if (lower == "desktop.ini")
        return "Windows folder settings";
    if (startsWith(name, "."))
        return "hidden file";
    return std::nullopt;
}

std::optional<std::string> junkFolderReason(const std::string& name)
{
    if (name == "__MACOSX")
        return "macOS archive metadata folder (__MACOSX)";
    if (startsWith(name, "."))
        return "hidden folder";
    return std::nullopt;
}

namespace {

// The files an import writes beside the class folders (import/ScanImport.h).
bool isImportFile(const std::string& name)
{
    return name == kImportRecordFile || name == kImportManifestFile || name == kImportWorkFolder;
}

std::string relativeTo(const fs::path& file, const fs::path& root)
{
    return file.lexically_relative(root).generic_string();
}

class Scanner {
public:
    Scanner(const fs::path& root, const ScanOptions& options, const CancelToken* cancel, const ScanProgress& progress)
        : m_root(root), m_options(options), m_cancel(cancel), m_progress(progress)
    {
        m_index.root = root;
        m_index.classNames = options.classes.names();
        if (options.metadataCsv) {
            m_metadata = MetadataTable::load(*options.metadataCsv);
            for (const std::string& w : m_metadata->warnings())
                m_index.warnings.push_back(w);
        }
    }

    DatasetIndex run()
    {
        std::error_code ec;
        std::vector<fs::directory_entry> topLevel;
        for (fs::directory_iterator it(m_root, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec))
            topLevel.push_back(*it);
        if (ec)
            throw NeuroDxError(ErrorKind::UnreadableFile, m_root, "the folder cannot be listed: " + ec.message());
        std::sort(topLevel.begin(), topLevel.end(), [](const auto& a, const auto& b) { return a.path() < b.path(); });

        for (const fs::directory_entry& entry : topLevel) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory(ec)) {
                if (isImportFile(name))
                    continue;
                if (const auto junk = junkFolderReason(name)) {
                    skip(entry.path(), *junk);
                    continue;
                }
                const std::optional<int> label = m_options.classes.labelOf(name);
                if (label || m_metadata)
                    walkFolder(entry.path(), label);
                else
                    m_index.unassignedFolders.push_back({name, countFiles(entry.path())});
            } else {
                visitFile(entry, std::nullopt, /*atRoot=*/true);
            }
        }
        finish();
        return std::move(m_index);
    }

private:
    void walkFolder(const fs::path& folder, std::optional<int> folderLabel)
    {
        std::error_code ec;
        fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
        if (ec) {
            skip(folder, "folder cannot be listed: " + ec.message());
            return;
        }
        for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
            if (ec) {
                m_index.warnings.push_back("stopped listing part of " + relativeTo(folder, m_root) + ": " + ec.message());
                break;
            }
            const fs::directory_entry& entry = *it;
            if (entry.is_directory(ec)) {
                if (const auto junk = junkFolderReason(entry.path().filename().string())) {
                    skip(entry.path(), *junk);
                    it.disable_recursion_pending();
                }
                continue;
            }
            visitFile(entry, folderLabel, /*atRoot=*/false);
        }
    }

    void visitFile(const fs::directory_entry& entry, std::optional<int> folderLabel, bool atRoot)
    {
        if (m_cancel && m_cancel->isCancelled())
            throw NeuroDxError(ErrorKind::Cancelled, "the scan was cancelled");
        if (m_progress && ++m_filesSeen % 256 == 0)
            m_progress(m_filesSeen);

        const fs::path& path = entry.path();
        std::error_code ec;
        if (!entry.is_regular_file(ec)) {
            skip(path, "not a regular file");
            return;
        }
        if (const auto junk = junkFileReason(path.filename().string())) {
            skip(path, *junk);
            return;
        }
        if (entry.file_size(ec) == 0 || ec) {
            skip(path, ec ? "size cannot be read: " + ec.message() : "empty file (0 bytes)");
            return;
        }
        FormatProbe probe;
        try {
            probe = probeImageFormat(path);
        } catch (const NeuroDxError& e) {
            skip(path, "cannot be opened for reading");
            return;
        }
        if (atRoot && isImportFile(path.filename().string()))
            return; // the record an import leaves beside its slices: part of the dataset, not a stray file
        if (probe.format == ImageFormat::Unknown) {
            const std::string lowerName = toLower(path.filename().string());
            if (endsWith(lowerName, ".nii") || endsWith(lowerName, ".nii.gz")) {
                skip(path, "a NIfTI volume, not a 2D slice: import it with 'neurodx-cli import' (or File > Import Scans)");
                return;
            }
            const std::string extension = toLower(path.extension().string());
            const bool isDocument = extension == ".csv" || extension == ".txt" || extension == ".json" || extension == ".xml" ||
                                    extension == ".md" || extension == ".pdf" || extension == ".xlsx";
            skip(path, isDocument ? "not an image: a " + extension.substr(1) + " document"
                                  : "not an image: the content is not PNG, JPEG, BMP, TIFF or DICOM");
            return;
        }

        DatasetEntry item;
        item.path = relativeTo(path, m_root);
        item.format = probe.format;
        const PathIdentity identity = identityFromPath(item.path);
        if (identity.subject) {
            item.subject = *identity.subject;
            item.subjectSource = path.stem().string().find(*identity.subject) != std::string::npos
                                     ? SubjectSource::FileName
                                     : SubjectSource::FolderName;
        }
        item.sliceIndex = identity.sliceIndex;

        std::optional<int> label = folderLabel;
        if (m_metadata && identity.imageDataId) {
            if (const auto record = m_metadata->find(*identity.imageDataId)) {
                item.subject = record->subject;
                item.subjectSource = SubjectSource::MetadataCsv;
                const std::optional<int> groupLabel = m_options.classes.labelOf(record->group);
                if (!label)
                    label = groupLabel;
                else if (groupLabel && *groupLabel != *label)
                    ++m_folderMetadataDisagreements;
            }
        }

        if (probe.format == ImageFormat::Dicom && m_options.readDicomHeaders) {
            DicomHeaderSummary header;
            try {
                header = readDicomHeader(path);
            } catch (const NeuroDxError& e) {
                skip(path, "DICOM header cannot be read: " + conciseReason(e.what()));
                return;
            }
            if (header.isDirectory) {
                skip(path, "DICOMDIR (an index of DICOM files, not an image)");
                return;
            }
            if (!header.hasPixelData) {
                skip(path, "DICOM object without pixel data" + (header.modality.empty() ? std::string() : " (modality " + header.modality + ")"));
                return;
            }
            if (header.positionAlongNormal && !header.seriesInstanceUid.empty())
                m_seriesPositions[header.seriesInstanceUid].insert(static_cast<long long>(std::llround(*header.positionAlongNormal * 100.0)));
            if (item.subject.empty() && !header.patientId.empty()) {
                item.subject = subjectFromPatientId(header.patientId);
                item.subjectSource = SubjectSource::DicomPatientId;
            }
        }

        if (!label) {
            skip(path, atRoot ? "not inside a class folder" : "no class: not in a class folder and not in the metadata CSV");
            return;
        }
        item.label = *label;
        m_index.entries.push_back(std::move(item));
    }

    std::size_t countFiles(const fs::path& folder) const
    {
        std::size_t count = 0;
        std::error_code ec;
        for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec)) {
            if (it->is_regular_file(ec))
                ++count;
        }
        return count;
    }

    void skip(const fs::path& path, std::string reason)
    {
        m_index.skipped.push_back({relativeTo(path, m_root), std::move(reason)});
    }

    void finish()
    {
        const auto byPath = [](const auto& a, const auto& b) { return a.path < b.path; };
        std::sort(m_index.entries.begin(), m_index.entries.end(), byPath);
        std::sort(m_index.skipped.begin(), m_index.skipped.end(), byPath);

        if (m_folderMetadataDisagreements > 0)
            m_index.warnings.push_back(std::to_string(m_folderMetadataDisagreements) +
                                       " images sit in a class folder that disagrees with the metadata CSV's group; the folder was used");
        const std::size_t withoutSubject = m_index.imagesWithoutSubject();
        if (withoutSubject > 0)
            m_index.warnings.push_back(withThousands(static_cast<long long>(withoutSubject)) +
                                       (withoutSubject == 1 ? " image has" : " images have") +
                                       " no identifiable subject; each becomes its own group, so a subject-level split cannot keep their subjects apart");
        const auto mixed = m_index.subjectsInSeveralClasses();
        if (!mixed.empty())
            m_index.warnings.push_back(std::to_string(mixed.size()) +
                                       " subjects have images in more than one class (e.g. " + mixed.front() +
                                       "); a subject-level split keeps all of a subject's images in one part");
        std::size_t volumeSeries = 0, volumeSlices = 0;
        for (const auto& [uid, positions] : m_seriesPositions)
            if (positions.size() >= 3) {
                ++volumeSeries;
                volumeSlices += positions.size();
            }
        if (volumeSeries > 0)
            m_index.warnings.push_back(withThousands(static_cast<long long>(volumeSlices)) + " DICOM files are slices of " + std::to_string(volumeSeries) +
                                       " whole 3D series (e.g. sagittal MPRAGE), each counted here as a 2D image: import the scans with "
                                       "'neurodx-cli import' (or File > Import Scans) to get axial slices chosen from each scan");
        const bool pseudonymsUsed = std::any_of(m_index.entries.begin(), m_index.entries.end(),
                                                [](const DatasetEntry& e) { return e.subjectSource == SubjectSource::DicomPatientId; });
        if (pseudonymsUsed && !pseudonymKeyProblem().empty())
            m_index.warnings.push_back(pseudonymKeyProblem());
        for (const UnassignedFolder& f : m_index.unassignedFolders)
            m_index.warnings.push_back("folder '" + f.path + "' names no class (" + std::to_string(f.files) + " files not counted)");
        const auto summaries = m_index.classSummaries();
        for (std::size_t i = 0; i < summaries.size(); ++i) {
            if (summaries[i].images == 0)
                m_index.warnings.push_back("class " + m_index.classNames[i] + " has no images");
        }
        if (m_index.classesWithImages().size() < 2)
            m_index.warnings.push_back("fewer than two classes have images: nothing can be trained on this dataset (a classifier needs at least two)");
    }

    fs::path m_root;
    const ScanOptions& m_options;
    const CancelToken* m_cancel;
    const ScanProgress& m_progress;
    std::optional<MetadataTable> m_metadata;
    DatasetIndex m_index;
    std::size_t m_filesSeen = 0;
    std::size_t m_folderMetadataDisagreements = 0;
    std::map<std::string, std::set<long long>> m_seriesPositions; // SeriesInstanceUID -> positions (1/100 mm)
};

} // namespace

DatasetIndex scanDataset(const fs::path& root, const ScanOptions& options, const CancelToken* cancel, const ScanProgress& progress)
{
    std::error_code ec;
    if (!fs::exists(root, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, root, "no such folder");
    if (!fs::is_directory(root, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, root, "not a folder (a dataset is a folder with one subfolder per class)");
    fs::path normalized = fs::absolute(root).lexically_normal();
    if (!normalized.has_filename() && normalized.has_parent_path() && normalized != normalized.root_path())
        normalized = normalized.parent_path(); // "data/" -> "data", so relative paths have no "../"
    return Scanner(normalized, options, cancel, progress).run();
}

} // namespace neurodx
