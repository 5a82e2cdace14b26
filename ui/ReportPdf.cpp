#include "ReportPdf.h"

#include "ClassColors.h"

#include "common/Version.h"

#include <QDir>
#include <QObject>
#include <QPageSize>

namespace neurodx::ui {

ReportPdf::ReportPdf(const QString& file, const QString& title) : m_file(file), m_title(title), m_pdf(file)
{
    m_pdf.setPageSize(QPageSize(QPageSize::A4));
    m_pdf.setResolution(300);
    m_pdf.setTitle(title);
    m_pdf.setCreator(QStringLiteral("NeuroDx %1").arg(QString::fromLatin1(kVersion)));
}

bool ReportPdf::begin(QString* error)
{
    if (!m_painter.begin(&m_pdf)) {
        if (error)
            *error = QObject::tr("Cannot write %1").arg(QDir::toNativeSeparators(m_file));
        return false;
    }
    m_width = m_painter.viewport().width() - 2 * kMargin;
    m_y = kMargin;
    return true;
}

bool ReportPdf::end(QString* error)
{
    if (!m_painter.end()) {
        if (error)
            *error = QObject::tr("Cannot finish %1").arg(QDir::toNativeSeparators(m_file));
        return false;
    }
    return true;
}

void ReportPdf::header(const QDateTime& created)
{
    text(m_title, 18, true);
    text(created.toString(QStringLiteral("yyyy-MM-dd HH:mm")) + QStringLiteral("   NeuroDx ") + QString::fromLatin1(kVersion), 9, false, Qt::darkGray);
    m_painter.fillRect(QRect(kMargin, m_y, m_width, 150), QColor(255, 243, 205));
    m_y += 25;
    text(QString::fromLatin1(kResearchNotice), 9, true, QColor(102, 77, 3), 120);
    m_y += 20;
}

void ReportPdf::text(const QString& line, int pointSize, bool bold, QColor colour, int height)
{
    QFont font(QStringLiteral("Sans Serif"), pointSize);
    font.setBold(bold);
    m_painter.setFont(font);
    m_painter.setPen(colour);
    const QRect box(kMargin, m_y, m_width, height > 0 ? height : 4000);
    const QRect used = m_painter.boundingRect(box, Qt::TextWordWrap, line);
    m_painter.drawText(box, Qt::TextWordWrap, line);
    m_y += used.height() + 20;
}

void ReportPdf::image(const QRect& box, const QImage& picture)
{
    m_painter.fillRect(box, Qt::black);
    if (!picture.isNull())
        m_painter.drawImage(QRect(box.topLeft(), picture.size().scaled(box.size(), Qt::KeepAspectRatio)), picture);
}

void ReportPdf::probabilityBars(const QStringList& classNames, const std::vector<double>& probabilities)
{
    for (int c = 0; c < classNames.size() && static_cast<std::size_t>(c) < probabilities.size(); ++c) {
        const double probability = probabilities[static_cast<std::size_t>(c)];
        m_painter.setFont(QFont(QStringLiteral("Sans Serif"), 10));
        m_painter.setPen(Qt::black);
        m_painter.drawText(QRect(kMargin, m_y, 300, 70), Qt::AlignVCenter, classNames[c]);
        const QRect bar(kMargin + 320, m_y + 10, m_width - 620, 50);
        m_painter.fillRect(bar, QColor(235, 235, 235));
        m_painter.fillRect(QRect(bar.topLeft(), QSize(static_cast<int>(bar.width() * probability), bar.height())), classColor(c));
        m_painter.drawText(QRect(bar.right() + 30, m_y, 270, 70), Qt::AlignVCenter, QStringLiteral("%1%").arg(probability * 100.0, 0, 'f', 1));
        m_y += 80;
    }
}

void ReportPdf::footer(const QString& modelName, const QString& modelSummary, const QStringList& warnings, bool identifiersIncluded,
                       const QStringList& identifiers)
{
    text(QObject::tr("Model: %1").arg(modelName), 10, true);
    text(modelSummary, 9);
    if (!warnings.isEmpty())
        text(QObject::tr("Warnings:\n- %1").arg(warnings.join(QStringLiteral("\n- "))), 9, false, QColor(153, 51, 0));
    if (identifiersIncluded)
        text(identifiers.join(QLatin1Char('\n')), 9);
    else
        text(QObject::tr("Identifiers left out (patient, study and file name)."), 9, false, Qt::darkGray);
}

} // namespace neurodx::ui
