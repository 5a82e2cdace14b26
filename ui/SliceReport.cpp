#include "SliceReport.h"

#include "ClassColors.h"

#include "common/Version.h"

#include <QDir>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>

namespace neurodx::ui {

bool writeSliceReportPdf(const SliceReport& report, const QString& file, QString* error)
{
    QPdfWriter pdf(file);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(300);
    pdf.setTitle(QObject::tr("NeuroDx slice report"));
    pdf.setCreator(QStringLiteral("NeuroDx %1").arg(QString::fromLatin1(kVersion)));
    QPainter p;
    if (!p.begin(&pdf)) {
        if (error)
            *error = QObject::tr("Cannot write %1").arg(QDir::toNativeSeparators(file));
        return false;
    }
    const QRect page = p.viewport();
    const int margin = 150; // half an inch at 300 dpi
    const int width = page.width() - 2 * margin;
    int y = margin;
    const auto text = [&](const QString& line, int pointSize, bool bold = false, QColor colour = Qt::black, int height = 0) {
        QFont font(QStringLiteral("Sans Serif"), pointSize);
        font.setBold(bold);
        p.setFont(font);
        p.setPen(colour);
        const QRect box(margin, y, width, height > 0 ? height : 4000);
        const QRect used = p.boundingRect(box, Qt::TextWordWrap, line);
        p.drawText(box, Qt::TextWordWrap, line);
        y += used.height() + 20;
    };

    text(QObject::tr("NeuroDx slice report"), 18, true);
    text(report.created.toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral("   NeuroDx ") + QString::fromLatin1(kVersion), 9, false, Qt::darkGray);
    p.fillRect(QRect(margin, y, width, 150), QColor(255, 243, 205));
    y += 25;
    text(QString::fromLatin1(kResearchNotice), 9, true, QColor(102, 77, 3), 120);
    y += 20;

    // The slice as displayed and, beside it, with the heatmap.
    const int imageSide = report.heatmap.isNull() ? width / 2 : (width - 60) / 2;
    const QRect left(margin, y, imageSide, imageSide);
    p.fillRect(left, Qt::black);
    p.drawImage(QRect(left.topLeft(), report.slice.size().scaled(left.size(), Qt::KeepAspectRatio)), report.slice);
    if (!report.heatmap.isNull()) {
        const QRect right(margin + imageSide + 60, y, imageSide, imageSide);
        p.fillRect(right, Qt::black);
        p.drawImage(QRect(right.topLeft(), report.heatmap.size().scaled(right.size(), Qt::KeepAspectRatio)), report.heatmap);
    }
    y += imageSide + 25;
    text(report.windowText + (report.heatmap.isNull() ? QString() : QObject::tr("   Right: Grad-CAM for %1").arg(report.heatmapClass)), 8, false, Qt::darkGray);

    // Probabilities as bars.
    y += 20;
    if (report.predicted >= 0 && report.predicted < report.classNames.size()) {
        text(QObject::tr("Predicted: %1 (confidence %2%)")
                 .arg(report.classNames[report.predicted])
                 .arg(report.probabilities[static_cast<std::size_t>(report.predicted)] * 100.0, 0, 'f', 1),
             14, true, classColor(report.predicted).darker(130));
    }
    for (int c = 0; c < report.classNames.size() && static_cast<std::size_t>(c) < report.probabilities.size(); ++c) {
        const double probability = report.probabilities[static_cast<std::size_t>(c)];
        p.setFont(QFont(QStringLiteral("Sans Serif"), 10));
        p.setPen(Qt::black);
        p.drawText(QRect(margin, y, 300, 70), Qt::AlignVCenter, report.classNames[c]);
        const QRect bar(margin + 320, y + 10, width - 620, 50);
        p.fillRect(bar, QColor(235, 235, 235));
        p.fillRect(QRect(bar.topLeft(), QSize(static_cast<int>(bar.width() * probability), bar.height())), classColor(c));
        p.drawText(QRect(bar.right() + 30, y, 270, 70), Qt::AlignVCenter, QStringLiteral("%1%").arg(probability * 100.0, 0, 'f', 1));
        y += 80;
    }
    y += 20;
    text(QObject::tr("Model: %1").arg(report.modelName), 10, true);
    text(report.modelSummary, 9);
    if (!report.warnings.isEmpty())
        text(QObject::tr("Warnings:\n- %1").arg(report.warnings.join(QStringLiteral("\n- "))), 9, false, QColor(153, 51, 0));
    if (report.identifiersIncluded)
        text(report.identifiers.join(QLatin1Char('\n')), 9);
    else
        text(QObject::tr("Identifiers left out (patient, study and file name)."), 9, false, Qt::darkGray);
    if (!p.end()) {
        if (error)
            *error = QObject::tr("Cannot finish %1").arg(QDir::toNativeSeparators(file));
        return false;
    }
    return true;
}

} // namespace neurodx::ui
