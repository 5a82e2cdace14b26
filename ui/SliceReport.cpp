#include "SliceReport.h"

#include "ClassColors.h"
#include "ReportPdf.h"

namespace neurodx::ui {

bool writeSliceReportPdf(const SliceReport& report, const QString& file, QString* error)
{
    ReportPdf pdf(file, QObject::tr("NeuroDx slice report"));
    if (!pdf.begin(error))
        return false;
    pdf.header(report.created);

    // The slice as displayed and, beside it, with the heatmap.
    const int imageSide = report.heatmap.isNull() ? pdf.width() / 2 : (pdf.width() - 60) / 2;
    pdf.image(QRect(pdf.left(), pdf.y(), imageSide, imageSide), report.slice);
    if (!report.heatmap.isNull())
        pdf.image(QRect(pdf.left() + imageSide + 60, pdf.y(), imageSide, imageSide), report.heatmap);
    pdf.advance(imageSide + 25);
    pdf.text(report.windowText + (report.heatmap.isNull() ? QString() : QObject::tr("   Right: Grad-CAM for %1").arg(report.heatmapClass)), 8, false,
             Qt::darkGray);

    pdf.advance(20);
    if (report.predicted >= 0 && report.predicted < report.classNames.size()) {
        pdf.text(QObject::tr("Predicted: %1 (confidence %2%)")
                     .arg(report.classNames[report.predicted])
                     .arg(report.probabilities[static_cast<std::size_t>(report.predicted)] * 100.0, 0, 'f', 1),
                 14, true, classColor(report.predicted).darker(130));
    }
    pdf.probabilityBars(report.classNames, report.probabilities);
    pdf.advance(20);
    pdf.footer(report.modelName, report.modelSummary, report.warnings, report.identifiersIncluded, report.identifiers);
    return pdf.end(error);
}

} // namespace neurodx::ui
