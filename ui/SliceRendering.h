#pragma once

#include "imaging/ViewerSlice.h"

#include <QImage>

#include <vector>

namespace neurodx::ui {

// A slice's pixels as a reader sees them, shared by the view and the reports so a PDF shows exactly
// what the screen did.

// The grey value 0..255 of a modality value under the window [low, high], inverted or not.
int windowedGrey(double value, double low, double high, bool inverted);

// The slice windowed (colour images as stored unless inverted), at the slice's own size.
QImage windowedImage(const ViewerSlice& slice, double low, double high, bool inverted);

// A Grad-CAM map in [0, 1] as ARGB: blue (low) to red (high), transparent where the map is low.
QImage heatmapImage(const std::vector<float>& values, int width, int height);

// `base` (RGB32) with `heatmap` drawn over it at `opacity`.
QImage withHeatmap(const QImage& base, const QImage& heatmap, double opacity);

} // namespace neurodx::ui
