#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

class QCustomPlot;

namespace neurodx::ui {

// One-vs-rest ROC curves, one per class in its class colour, with the chance diagonal and each
// curve's AUC in the legend.
class RocPlot final : public QWidget {
    Q_OBJECT
public:
    explicit RocPlot(QWidget* parent = nullptr);

    void setScores(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, const QStringList& classNames);
    void clear();
    int curveCount() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
};

} // namespace neurodx::ui
