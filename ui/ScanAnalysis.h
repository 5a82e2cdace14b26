#pragma once

#include "PredictionTypes.h"

#include "imaging/ViewerSlice.h"

#include <QMetaType>

#include <memory>
#include <string>
#include <vector>

namespace neurodx::ui {

// A slice the scan report shows: the slice itself and the model's answer with its Grad-CAM map.
struct RepresentativeSlice {
    int index = 0;
    std::string position;       // slicePositionText()
    ViewerSlice slice;
    SlicePrediction prediction; // with the map for its predicted class
};

// Everything the viewer shows about a scan's prediction: the verdict with the per-slice
// probabilities, and a few representative slices for the report.
struct ScanAnalysis {
    ScanPrediction prediction;
    std::vector<RepresentativeSlice> representatives;
};
using SharedScanAnalysis = std::shared_ptr<const ScanAnalysis>;

// Runs in a worker: classifier.classifyScan(volume) (the model's own slice range), then Grad-CAM for
// `representatives` slices evenly spaced through the predicted range. Throws NeuroDxError.
ScanAnalysis analyseScan(SliceClassifier& classifier, const Volume& canonical, int representatives = 3);

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedScanAnalysis)
