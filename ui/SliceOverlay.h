#pragma once

#include "imaging/DicomTags.h"
#include "imaging/SliceInfo.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace neurodx::ui {

// The four corner texts radiology viewers put over a slice: patient (top left), study and series
// (top right), size, zoom and frame, or a scan's plane, slice and position (bottom left), window and
// modality (bottom right). With identifiers hidden, nothing naming a person, a date or a place is shown.
struct SliceOverlay {
    const std::vector<DicomTagNode>* tags = nullptr;
    const SliceInfo* info = nullptr;
    QString file;
    double zoom = 1.0;
    double windowCenter = 0;
    double windowWidth = 1;
    bool hideIdentifiers = true;
    QStringList scanLines;     // a scan's slice: "axial 44 (0-159)", "S 12.5 mm"
    QString seriesDescription; // when there are no DICOM tags to take it from (NIfTI)

    // 0 top left, 1 top right, 2 bottom left, 3 bottom right; lines joined by '\n'.
    QString corner(int corner) const;
};

} // namespace neurodx::ui
