#include "RocPlot.h"

#include "PlotLegend.h"

#include "ClassColors.h"

#include "evaluation/Metrics.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace neurodx::ui {

RocPlot::RocPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot)
{
    setObjectName(QStringLiteral("rocPlot"));
    m_plot->setMinimumSize(260, 220);
    m_plot->xAxis->setLabel(tr("false positive rate (1 - specificity)"));
    m_plot->yAxis->setLabel(tr("true positive rate (sensitivity)"));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1.02);
    placeLegendAbovePlot(m_plot, 1);
    m_plot->setToolTip(tr("One-vs-rest ROC curve per class, slice level"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void RocPlot::setScores(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, const QStringList& classNames)
{
    clear();
    auto* chance = m_plot->addGraph();
    chance->setData({0.0, 1.0}, {0.0, 1.0});
    chance->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    chance->removeFromLegend();
    for (int c = 0; c < classNames.size(); ++c) {
        std::vector<bool> positive;
        std::vector<double> scores;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            positive.push_back(labels[i] == c);
            scores.push_back(probabilities[i].at(static_cast<std::size_t>(c)));
        }
        const auto auc = rocAuc(positive, scores);
        if (!auc)
            continue; // the class is absent or alone: no curve
        QVector<double> x, y;
        for (const auto& [fpr, tpr] : rocCurve(positive, scores)) {
            x << fpr;
            y << tpr;
        }
        auto* graph = m_plot->addGraph();
        graph->setData(x, y, true);
        graph->setPen(QPen(classColor(c), 2));
        graph->setName(QStringLiteral("%1 (AUC %2)").arg(classNames[c]).arg(*auc, 0, 'f', 3));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RocPlot::clear()
{
    m_plot->clearGraphs();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int RocPlot::curveCount() const
{
    return std::max(0, m_plot->graphCount() - 1);
}

} // namespace neurodx::ui
