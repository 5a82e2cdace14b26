#include "ScanFinder.h"

#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "common/ParallelFor.h"
#include "common/TextUtil.h"
#include "dataset/DatasetScanner.h"
#include "dataset/ImageFormat.h"
#include "volume/NiftiReader.h"
#include "volume/Reorientation.h"

#include <algorithm>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace neurodx {

std::string ScanSource::label() const
{
    if (kind == Kind::Nifti)
        return "NIfTI, " + path.filename().string();
    std::string text = "DICOM series, " + std::to_string(series.files.size()) + (series.files.size() == 1 ? " file" : " files");
    if (!series.seriesDescription.empty())
        text += ", " + series.seriesDescription;
    return text;
}

namespace {

bool hasExtension(const fs::path& file, const char* extension)
{
    return endsWith(toLower(file.filename().string()), extension);
}

std::vector<fs::path> filesIn(const fs::path& folder, bool recursive, ScanSearch& search, const CancelToken* cancel)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, folder, "not a folder");
    std::vector<fs::path> files;
    const auto consider = [&](const fs::directory_entry& entry) {
        const std::string name = entry.path().filename().string();
        if (const auto junk = junkFileReason(name))
            search.skipped.emplace_back(entry.path(), *junk);
        else
            files.push_back(entry.path());
    };
    if (recursive) {
        fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
        if (ec)
            throw NeuroDxError(ErrorKind::UnreadableFile, folder, "the folder cannot be listed: " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec)
                break;
            if (cancel && cancel->isCancelled())
                throw NeuroDxError(ErrorKind::Cancelled, "the search for scans was cancelled");
            if (it->is_directory(ec)) {
                if (junkFolderReason(it->path().filename().string()))
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file(ec))
                consider(*it);
        }
    } else {
        for (fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec))
            if (it->is_regular_file(ec))
                consider(*it);
        if (ec)
            throw NeuroDxError(ErrorKind::UnreadableFile, folder, "the folder cannot be listed: " + ec.message());
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

ScanSearch findScans(const fs::path& folder, bool recursive, const CancelToken* cancel, const std::function<void(std::size_t)>& progress)
{
    ScanSearch search;
    const std::vector<fs::path> files = filesIn(folder, recursive, search, cancel);

    std::set<fs::path> analyzeHeaders;
    std::vector<fs::path> dicomFiles;
    for (std::size_t n = 0; n < files.size(); ++n) {
        const fs::path& file = files[n];
        if (hasExtension(file, ".nii") || hasExtension(file, ".nii.gz") || hasExtension(file, ".hdr")) {
            ScanSource scan;
            scan.kind = ScanSource::Kind::Nifti;
            scan.path = file;
            search.scans.push_back(std::move(scan));
            if (hasExtension(file, ".hdr"))
                analyzeHeaders.insert(fs::path(file).replace_extension(".img"));
            continue;
        }
        if (analyzeHeaders.count(file) || (hasExtension(file, ".img") && fs::exists(fs::path(file).replace_extension(".hdr")))) {
            search.skipped.emplace_back(file, "the image data of " + fs::path(file).replace_extension(".hdr").filename().string());
            continue;
        }
        FormatProbe probe;
        try {
            probe = probeImageFormat(file);
        } catch (const NeuroDxError& e) {
            search.skipped.emplace_back(file, e.what());
            continue;
        }
        if (probe.format == ImageFormat::Dicom)
            dicomFiles.push_back(file);
        else if (probe.format != ImageFormat::Unknown)
            search.images.push_back(file);
        else if (isNiftiFile(file))
            search.scans.push_back({ScanSource::Kind::Nifti, file, {}, {}, {}});
        else
            search.skipped.emplace_back(file, "not DICOM, NIfTI or an image");
        if (progress && n % 256 == 255)
            progress(n + 1);
    }

    std::vector<std::optional<DicomSliceHeader>> headers(dicomFiles.size());
    std::vector<std::string> failures(dicomFiles.size());
    parallelFor(
        dicomFiles.size(), cancel,
        [&](std::size_t i) {
            try {
                headers[i] = readDicomSliceHeader(dicomFiles[i]);
            } catch (const NeuroDxError& e) {
                failures[i] = e.what();
            }
        },
        4, "the search for scans was cancelled");
    std::vector<DicomSliceHeader> images;
    for (std::size_t i = 0; i < dicomFiles.size(); ++i) {
        if (!headers[i])
            search.skipped.emplace_back(dicomFiles[i], failures[i]);
        else if (headers[i]->rows <= 0 || headers[i]->columns <= 0)
            search.skipped.emplace_back(dicomFiles[i], "a DICOM object without pixel data (DICOMDIR, report or structure set)");
        else
            images.push_back(std::move(*headers[i]));
    }
    if (progress)
        progress(files.size());

    for (DicomSeries& series : assembleDicomSeries(images)) {
        // One single-frame file is a 2D image, whatever its series says; a mosaic stays a scan, to be refused as one.
        const bool lone = series.files.size() == 1 && std::any_of(images.begin(), images.end(), [&](const DicomSliceHeader& h) {
                              return h.file == series.files.front() && h.frames == 1 && !h.isMosaic();
                          });
        if (lone) {
            search.images.push_back(series.files.front());
            continue;
        }
        ScanSource scan;
        scan.kind = ScanSource::Kind::DicomSeries;
        scan.path = series.files.front().parent_path();
        scan.error = series.error;
        scan.warnings = series.warnings;
        scan.series = std::move(series);
        search.scans.push_back(std::move(scan));
    }
    std::sort(search.scans.begin(), search.scans.end(), [](const ScanSource& a, const ScanSource& b) { return a.firstFile() < b.firstFile(); });
    std::sort(search.images.begin(), search.images.end());
    std::sort(search.skipped.begin(), search.skipped.end());
    return search;
}

Volume loadScan(const ScanSource& scan, const CancelToken* cancel)
{
    if (!scan.isUsable())
        throw NeuroDxError(ErrorKind::UnsupportedFormat, scan.path, scan.error);
    Volume volume = scan.kind == ScanSource::Kind::Nifti ? readNifti(scan.path) : readDicomSeriesVolume(scan.series, cancel);
    return toCanonical(std::move(volume));
}

namespace {

// The scans openScan() chooses from for `path`, and the DICOM file it was asked about, if any.
std::vector<ScanSource> candidateScans(const fs::path& path, std::optional<fs::path>& dicomFile, ScanSearch& search)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        search = findScans(path, true);
        return search.scans;
    }
    if (!fs::is_regular_file(path, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, path, "no such file or folder");
    if (isNiftiFile(path) || hasExtension(path, ".hdr"))
        return {ScanSource{ScanSource::Kind::Nifti, path, {}, {}, {}}};
    if (probeImageFormat(path).format != ImageFormat::Dicom)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, path, "neither a NIfTI volume nor a DICOM file of a series");
    dicomFile = path;
    search = findScans(path.parent_path().empty() ? fs::path(".") : path.parent_path(), false);
    std::vector<ScanSource> mine;
    for (const ScanSource& scan : search.scans)
        if (scan.kind == ScanSource::Kind::DicomSeries &&
            std::find(scan.series.files.begin(), scan.series.files.end(), path) != scan.series.files.end())
            mine.push_back(scan);
    return mine;
}

} // namespace

Volume openScan(const fs::path& path, const CancelToken* cancel)
{
    std::optional<fs::path> dicomFile;
    ScanSearch search;
    const std::vector<ScanSource> scans = candidateScans(path, dicomFile, search);
    std::vector<const ScanSource*> usable;
    std::string reasons;
    for (const ScanSource& scan : scans) {
        if (scan.isUsable())
            usable.push_back(&scan);
        else
            reasons += (reasons.empty() ? "" : "; ") + scan.label() + ": " + scan.error;
    }
    if (usable.empty()) {
        if (dicomFile)
            throw NeuroDxError(ErrorKind::UnsupportedFormat, path,
                               reasons.empty() ? "a single DICOM slice: no other slice of its series lies beside it" : reasons);
        throw NeuroDxError(ErrorKind::UnsupportedFormat, path,
                           reasons.empty() ? "no DICOM series or NIfTI volume found here" + std::string(search.images.empty() ? "" : " (only 2D images)")
                                           : "no readable scan: " + reasons);
    }
    const ScanSource* chosen = *std::max_element(usable.begin(), usable.end(), [](const ScanSource* a, const ScanSource* b) {
        return a->fileCount() < b->fileCount();
    });
    Volume volume = loadScan(*chosen, cancel);
    if (usable.size() > 1)
        volume.source.warnings.insert(volume.source.warnings.begin(),
                                      "the folder holds " + std::to_string(usable.size()) + " scans; this is the largest (" + chosen->label() +
                                          "): open a series' own folder or file to choose another");
    return volume;
}

bool isScanPath(const fs::path& path)
{
    try {
        std::optional<fs::path> dicomFile;
        ScanSearch search;
        for (const ScanSource& scan : candidateScans(path, dicomFile, search))
            if (scan.kind == ScanSource::Kind::Nifti || scan.isUsable())
                return true;
    } catch (const NeuroDxError&) {
    }
    return false;
}

} // namespace neurodx
