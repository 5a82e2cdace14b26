#pragma once

#include "ScanReport.h"
#include "SliceReport.h"

#include "imaging/DicomTags.h"
#include "inference/SliceClassifier.h"

#include <vector>

namespace neurodx::ui {

class ScanPane;
class SliceView;

// What the viewer shows, as the reader sees it, gathered for a report: the window, the model, and
// the patient and study identifiers only when the user includes them.
struct ViewerReportSource {
    const SliceView* view = nullptr;
    const SliceClassifier* classifier = nullptr;  // null without a model
    const std::vector<DicomTagNode>* tags = nullptr;
    QString file;                                 // the slice's file, or the scan's file or folder
    bool includeIdentifiers = false;
};

// A 2D slice's report; `prediction` null when there is none yet.
SliceReport sliceReport(const ViewerReportSource& source, const SlicePrediction* prediction);
// The open scan's report: verdict, strip and representative slices.
ScanReport scanReport(const ViewerReportSource& source, const ScanPane& scan);

} // namespace neurodx::ui
