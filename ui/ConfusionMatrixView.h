#pragma once

#include <QStringList>
#include <QWidget>

#include <cstddef>
#include <vector>

class QCustomPlot;
class QCPColorMap;
class QCPItemText;

namespace neurodx::ui {

// A confusion matrix as a heatmap: true class on rows (top to bottom), predicted class on columns,
// each cell with its count and its share of the row. Colour follows the row share, so classes of
// different sizes read alike; `normalised` switches the cell's main number to the share.
class ConfusionMatrixView final : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void setMatrix(const std::vector<std::vector<std::size_t>>& confusion, const QStringList& classNames);
    void setNormalised(bool normalised);
    void clear();

    int classCount() const { return static_cast<int>(m_counts.size()); }
    std::size_t count(int trueClass, int predictedClass) const;
    double cellColourValue(int trueClass, int predictedClass) const; // what the heatmap shows
    QString cellText(int trueClass, int predictedClass) const;
    QCustomPlot* plot() const { return m_plot; }

private:
    void rebuild();

    QCustomPlot* m_plot;
    QCPColorMap* m_map = nullptr;
    std::vector<QCPItemText*> m_labels;
    std::vector<std::vector<std::size_t>> m_counts;
    QStringList m_classNames;
    bool m_normalised = false;
};

} // namespace neurodx::ui
