#include "ScanReport.h"

#include "ClassColors.h"
#include "ReportPdf.h"

#include <algorithm>

namespace neurodx::ui {

bool writeScanReportPdf(const ScanReport& report, const QString& file, QString* error)
{
    ReportPdf pdf(file, QObject::tr("NeuroDx scan report"));
    if (!pdf.begin(error))
        return false;
    pdf.header(report.created);
    pdf.text(report.scanText, 9, false, Qt::darkGray);

    if (report.predicted >= 0 && report.predicted < report.classNames.size() && static_cast<std::size_t>(report.predicted) < report.probabilities.size())
        pdf.text(QObject::tr("Scan verdict: %1 (confidence %2%)")
                     .arg(report.classNames[report.predicted])
                     .arg(report.probabilities[static_cast<std::size_t>(report.predicted)] * 100.0, 0, 'f', 1),
                 14, true, classColor(report.predicted).darker(130));
    else
        pdf.text(QObject::tr("No verdict: no model, or the prediction has not finished."), 12, true);
    pdf.text(report.aggregationText, 9);
    pdf.probabilityBars(report.classNames, report.probabilities);
    pdf.advance(10);

    if (!report.strip.isNull()) {
        const int height = pdf.width() * report.strip.height() / std::max(1, report.strip.width());
        pdf.painter().drawImage(QRect(pdf.left(), pdf.y(), pdf.width(), height), report.strip);
        pdf.advance(height + 20);
    }

    // Representative slices: as displayed on top, with the Grad-CAM overlay below.
    if (!report.slices.empty()) {
        const int columns = static_cast<int>(report.slices.size());
        const int gap = 40;
        const int side = std::min(480, (pdf.width() - gap * (columns - 1)) / columns);
        const bool heatmaps = std::any_of(report.slices.begin(), report.slices.end(), [](const ScanReportSlice& s) { return !s.heatmap.isNull(); });
        for (int c = 0; c < columns; ++c) {
            const ScanReportSlice& shown = report.slices[static_cast<std::size_t>(c)];
            const int x = pdf.left() + c * (side + gap);
            pdf.image(QRect(x, pdf.y(), side, side), shown.slice);
            if (heatmaps)
                pdf.image(QRect(x, pdf.y() + side + 20, side, side), shown.heatmap.isNull() ? shown.slice : shown.heatmap);
            pdf.painter().setFont(QFont(QStringLiteral("Sans Serif"), 7));
            pdf.painter().setPen(Qt::black);
            pdf.painter().drawText(QRect(x, pdf.y() + (heatmaps ? 2 * side + 30 : side + 10), side, 80), Qt::AlignHCenter | Qt::TextWordWrap, shown.caption);
        }
        pdf.advance((heatmaps ? 2 * side + 20 : side) + 100);
        pdf.text(report.windowText + (heatmaps ? QObject::tr(". Bottom row: Grad-CAM for each slice's predicted class.") : QString()), 8, false,
                 Qt::darkGray);
    }
    pdf.footer(report.modelName, report.modelSummary, report.warnings, report.identifiersIncluded, report.identifiers);
    return pdf.end(error);
}

} // namespace neurodx::ui
