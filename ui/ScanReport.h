#pragma once

#include <QDateTime>
#include <QImage>
#include <QStringList>

#include <vector>

namespace neurodx::ui {

// A slice the scan report shows, as the reader's window displays it.
struct ScanReportSlice {
    QImage slice;
    QImage heatmap;  // with the Grad-CAM overlay; null when none
    QString caption; // "axial 45, S 12.5 mm: AD 81%"
};

// What a one-page PDF report on a scan holds: the verdict (the mean of the slices' probabilities,
// as subject-level evaluation aggregates), the per-slice strip, a few representative slices with
// their heatmaps. Identifiers appear only when the user includes them; the research notice always does.
struct ScanReport {
    QString scanText;          // "DICOM series, 170 x 256 x 256 voxels, 1.0 x 1.0 x 1.2 mm" (no identifiers)
    QStringList classNames;
    std::vector<double> probabilities; // the mean over the predicted slices
    int predicted = -1;
    QString aggregationText;   // "mean of 32 axial slices (...); 28 of them (88%) agree"
    QImage strip;              // P(class) per slice
    std::vector<ScanReportSlice> slices;
    QString windowText;
    QString modelName;
    QString modelSummary;
    QStringList warnings;
    QStringList identifiers;
    bool identifiersIncluded = false;
    QDateTime created = QDateTime::currentDateTime();
};

// Writes the report as a one-page A4 PDF. Returns false with a readable error when the file cannot
// be written.
bool writeScanReportPdf(const ScanReport& report, const QString& file, QString* error = nullptr);

} // namespace neurodx::ui
