#pragma once

#include <QColor>
#include <QDateTime>
#include <QPainter>
#include <QPdfWriter>
#include <QString>
#include <QStringList>

#include <vector>

namespace neurodx::ui {

// One A4 page of a NeuroDx report, written top to bottom: the title with the research notice, then
// whatever the report holds, then the model, warnings and identifiers. Shared by the slice and the
// scan reports so both read the same. Units are 300 dpi pixels.
class ReportPdf {
public:
    ReportPdf(const QString& file, const QString& title);

    // False with a readable error when the file cannot be written.
    bool begin(QString* error);
    bool end(QString* error);

    QPainter& painter() { return m_painter; }
    int left() const { return kMargin; }
    int width() const { return m_width; }
    int y() const { return m_y; }
    void advance(int height) { m_y += height; }

    // Title, date and version, and the research-use notice.
    void header(const QDateTime& created);
    // Word-wrapped text at the current line; `height` > 0 clips to that many pixels.
    void text(const QString& line, int pointSize, bool bold = false, QColor colour = Qt::black, int height = 0);
    // An image fitted into `box` on black, keeping its aspect ratio.
    void image(const QRect& box, const QImage& image);
    // A bar per class in its colour, with the percentage.
    void probabilityBars(const QStringList& classNames, const std::vector<double>& probabilities);
    // The model, warnings and identifiers (or a line saying they were left out).
    void footer(const QString& modelName, const QString& modelSummary, const QStringList& warnings, bool identifiersIncluded,
                const QStringList& identifiers);

    static constexpr int kMargin = 150; // half an inch at 300 dpi

private:
    QString m_file;
    QString m_title;
    QPdfWriter m_pdf;
    QPainter m_painter;
    int m_width = 0;
    int m_y = kMargin;
};

} // namespace neurodx::ui
