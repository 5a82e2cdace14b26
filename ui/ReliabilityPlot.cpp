#include "ReliabilityPlot.h"

#include "PlotLegend.h"

#include "evaluation/Calibration.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace neurodx::ui {

ReliabilityPlot::ReliabilityPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot)
{
    setObjectName(QStringLiteral("reliabilityPlot"));
    m_plot->setMinimumSize(260, 220);
    m_plot->xAxis->setLabel(tr("confidence (top class probability)"));
    m_plot->yAxis->setLabel(tr("accuracy"));
    m_plot->xAxis->setRange(0, 1);
    m_plot->yAxis->setRange(0, 1.08);
    placeLegendAbovePlot(m_plot, 1);
    m_plot->setToolTip(tr("Reliability diagram: in each confidence bin, how often the prediction was right. "
                          "On the diagonal, a probability of 70% is right 70% of the time."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
}

void ReliabilityPlot::setCalibration(const CalibrationMetrics& shown, const std::optional<CalibrationMetrics>& raw, const QString& caption)
{
    clear();
    auto* diagonal = m_plot->addGraph();
    diagonal->setData({0.0, 1.0}, {0.0, 1.0});
    diagonal->setPen(QPen(Qt::gray, 1, Qt::DashLine));
    diagonal->setName(tr("perfect calibration"));

    auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
    bars->setName(caption);
    bars->setPen(QPen(QColor(0, 114, 178)));
    bars->setBrush(QColor(0, 114, 178, 110));
    QFont small(m_plot->font().family(), 7);
    for (const ReliabilityBin& bin : shown.bins) {
        if (bin.count == 0)
            continue;
        const double centre = (bin.lower + bin.upper) / 2;
        bars->addData(centre, bin.accuracy);
        auto* count = new QCPItemText(m_plot);
        count->position->setCoords(centre, std::min(1.0, bin.accuracy) + 0.04);
        count->setText(QString::number(static_cast<qulonglong>(bin.count)));
        count->setFont(small);
        count->setColor(Qt::darkGray);
    }
    if (!shown.bins.empty())
        bars->setWidth((shown.bins.front().upper - shown.bins.front().lower) * 0.9);

    if (raw) {
        auto* line = m_plot->addGraph();
        QVector<double> x, y;
        for (const ReliabilityBin& bin : raw->bins)
            if (bin.count > 0) {
                x << bin.meanConfidence;
                y << bin.accuracy;
            }
        line->setData(x, y, true);
        line->setPen(QPen(QColor(213, 94, 0), 1.5));
        line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        line->setName(tr("raw softmax (ECE %1)").arg(raw->ece, 0, 'f', 3));
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ReliabilityPlot::clear()
{
    m_plot->clearGraphs();
    m_plot->clearPlottables();
    m_plot->clearItems();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ReliabilityPlot::barCount() const
{
    for (int i = 0; i < m_plot->plottableCount(); ++i)
        if (auto* bars = qobject_cast<QCPBars*>(m_plot->plottable(i)))
            return bars->dataCount();
    return 0;
}

bool ReliabilityPlot::showsRaw() const
{
    return m_plot->graphCount() == 2;
}

} // namespace neurodx::ui
