#pragma once

#include <QDateTime>
#include <QImage>
#include <QStringList>

#include <vector>

namespace neurodx::ui {

// What a one-page PDF report on a slice holds. Identifiers (patient, study, file name) appear only
// when the user includes them; the research notice always does.
struct SliceReport {
    QImage slice;              // as displayed: window/level applied
    QImage heatmap;            // the slice with the Grad-CAM overlay; null when none
    QString heatmapClass;
    QStringList classNames;
    std::vector<double> probabilities;
    int predicted = -1;
    QString modelName;
    QString modelSummary;
    QStringList warnings;
    QString windowText;        // "window centre 412, width 820 (file window)"
    QStringList identifiers;   // "Patient name: ...", empty when left out
    bool identifiersIncluded = false;
    QDateTime created = QDateTime::currentDateTime();
};

// Writes the report as a one-page A4 PDF. Returns false with a readable error when the file cannot
// be written.
bool writeSliceReportPdf(const SliceReport& report, const QString& file, QString* error = nullptr);

} // namespace neurodx::ui
