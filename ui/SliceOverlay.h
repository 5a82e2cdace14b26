#pragma once

#include "imaging/DicomTags.h"
#include "imaging/SliceInfo.h"

#include <QString>

#include <vector>

namespace neurodx::ui {

// The four corner texts radiology viewers put over a slice: patient (top left), study and series
// (top right), size, zoom and frame (bottom left), window and modality (bottom right). With
// identifiers hidden, nothing naming a person, a date or a place is shown.
struct SliceOverlay {
    const std::vector<DicomTagNode>* tags = nullptr;
    const SliceInfo* info = nullptr;
    QString file;
    double zoom = 1.0;
    double windowCenter = 0;
    double windowWidth = 1;
    bool hideIdentifiers = true;

    // 0 top left, 1 top right, 2 bottom left, 3 bottom right; lines joined by '\n'.
    QString corner(int corner) const;
};

} // namespace neurodx::ui
