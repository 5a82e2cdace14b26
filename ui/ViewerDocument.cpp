#include "ViewerDocument.h"

#include "common/NeuroDxError.h"
#include "dataset/ImageFormat.h"
#include "volume/ScanFinder.h"
#include "volume/SliceSelection.h"

#include <QObject>

#include <system_error>

namespace fs = std::filesystem;

namespace neurodx::ui {

namespace {

bool samePath(const fs::path& a, const fs::path& b)
{
    std::error_code ec;
    return !a.empty() && !b.empty() && fs::equivalent(a, b, ec);
}

// The plane and slice that hold `file` exactly (a DICOM series shown in its acquisition plane), axial first.
std::optional<std::pair<SlicePlane, int>> sliceOfFile(const Volume& volume, const fs::path& file)
{
    for (const SlicePlane plane : {SlicePlane::Axial, SlicePlane::Coronal, SlicePlane::Sagittal})
        for (int i = 0, n = sliceCount(volume, plane); i < n; ++i)
            if (samePath(sliceSourceFile(volume, plane, i), file))
                return std::pair{plane, i};
    return std::nullopt;
}

std::shared_ptr<OpenedScan> openedScan(const fs::path& path, const CancelToken* cancel)
{
    auto scan = std::make_shared<OpenedScan>();
    scan->volume = openScan(path, cancel);
    scan->range = valueRange(scan->volume);
    scan->path = path;
    const bool isFile = fs::is_regular_file(path);
    const fs::path tagFile = isFile ? path : (scan->volume.source.files.empty() ? fs::path() : scan->volume.source.files.front());
    try {
        if (!tagFile.empty() && probeImageFormat(tagFile).format == ImageFormat::Dicom)
            scan->tags = readDicomTags(tagFile);
    } catch (const NeuroDxError&) {
        // The volume is read; a tag tree it cannot show is no reason to refuse the scan.
    }
    const auto own = isFile ? sliceOfFile(scan->volume, path) : std::nullopt;
    if (own) {
        scan->plane = own->first;
        scan->index = own->second;
    } else {
        // The middle of the head rather than of the field of view, which often holds the neck.
        const SliceRange head = headExtent(scan->volume, SlicePlane::Axial);
        scan->index = head.size() > 0 ? (head.first + head.last) / 2 : sliceCount(scan->volume, SlicePlane::Axial) / 2;
    }
    return scan;
}

} // namespace

ViewerDocument openViewerDocument(const fs::path& path, std::optional<int> frame, const CancelToken* cancel)
{
    ViewerDocument document;
    if (fs::is_directory(path)) {
        if (isScanPath(path))
            document.scan = openedScan(path, cancel);
        return document;
    }
    if (!frame && isScanPath(path)) {
        try {
            document.scan = openedScan(path, cancel);
            return document;
        } catch (const NeuroDxError& e) {
            // A series that cannot be decoded as a volume (one damaged file...): the file asked
            // for may still open on its own. A NIfTI file has nothing else to show.
            if (e.kind() == ErrorKind::Cancelled || probeImageFormat(path).format != ImageFormat::Dicom)
                throw;
            document.note = QObject::tr("Opened as a single slice: its series cannot be read as a scan (%1)").arg(QString::fromStdString(e.what()));
        }
    }
    auto opened = std::make_shared<OpenedSlice>();
    opened->slice = loadViewerSlice(path, frame, &opened->tags); // pixels and attributes in one read
    document.slice = opened;
    return document;
}

} // namespace neurodx::ui
