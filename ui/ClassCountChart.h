#pragma once

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPBars;

namespace neurodx::ui {

// Images and subjects per class as grouped bars, in the class colours (images solid, subjects
// lighter). Subjects are what a subject-level split divides, so both counts matter.
class ClassCountChart final : public QWidget {
    Q_OBJECT
public:
    explicit ClassCountChart(QWidget* parent = nullptr);

    void setCounts(const QStringList& classNames, const std::vector<double>& images, const std::vector<double>& subjects);
    void clear();

    // What the bars show, for tests and export.
    std::vector<double> imageBarValues() const;
    std::vector<double> subjectBarValues() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
    std::vector<QCPBars*> m_imageBars;   // one per class, in the class colour
    std::vector<QCPBars*> m_subjectBars; // one per class, lighter
};

} // namespace neurodx::ui
