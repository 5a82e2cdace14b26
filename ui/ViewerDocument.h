#pragma once

#include "imaging/DicomTags.h"
#include "imaging/ViewerSlice.h"
#include "volume/Volume.h"
#include "volume/VolumeSlicing.h"

#include <QMetaType>
#include <QString>

#include <filesystem>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace neurodx {
class CancelToken;
}

namespace neurodx::ui {

// A 2D slice opened in the viewer: the pixels and, for DICOM, the attributes.
struct OpenedSlice {
    ViewerSlice slice;
    std::vector<DicomTagNode> tags;
};
using SharedOpenedSlice = std::shared_ptr<const OpenedSlice>;

// A 3D scan opened in the viewer, and where to start showing it.
struct OpenedScan {
    Volume volume;                      // canonical (LPS)
    std::pair<float, float> range;      // valueRange(volume), computed once for every slice
    std::vector<DicomTagNode> tags;     // DICOM: the opened file's attributes (a folder: the series' first file)
    std::filesystem::path path;         // the file or folder the user opened
    SlicePlane plane = SlicePlane::Axial;
    int index = 0;
};
using SharedOpenedScan = std::shared_ptr<const OpenedScan>;

// What a path opens as: a scan, a 2D slice, or neither (a folder holding no scan).
struct ViewerDocument {
    SharedOpenedScan scan;
    SharedOpenedSlice slice;
    QString note; // why a DICOM file of a series opened as a single slice
};

// Runs in a worker. A NIfTI file, a DICOM file whose series lies beside it, or a folder holding a
// scan open as a scan, at the opened file's own slice when it has one (else the middle of the head,
// axial); any other file opens as a 2D slice (`frame`: that frame of a multi-frame file, always 2D),
// and so does a DICOM file whose series cannot be read as a volume (with a note saying why).
// A folder without a scan gives an empty document. Throws NeuroDxError naming the path.
ViewerDocument openViewerDocument(const std::filesystem::path& path, std::optional<int> frame, const CancelToken* cancel);

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedOpenedSlice)
Q_DECLARE_METATYPE(neurodx::ui::SharedOpenedScan)
Q_DECLARE_METATYPE(neurodx::ui::ViewerDocument)
