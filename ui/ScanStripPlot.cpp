#include "ScanStripPlot.h"

#include "PlotLegend.h"

#include "ClassColors.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

ScanStripPlot::ScanStripPlot(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot)
{
    setObjectName(QStringLiteral("scanStripPlot"));
    m_plot->setObjectName(QStringLiteral("scanStrip"));
    m_plot->setMinimumHeight(150);
    m_plot->setToolTip(tr("The model's probability of each class for every slice of the scan it predicts; click to show a slice"));
    m_plot->yAxis->setRange(-0.04, 1.04);
    m_plot->yAxis->setLabel(tr("P(class)"));
    m_plot->yAxis->ticker()->setTickCount(3);
    QSharedPointer<QCPAxisTickerFixed> integers(new QCPAxisTickerFixed);
    integers->setTickStep(1.0);
    integers->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(integers);
    placeLegendAbovePlot(m_plot);

    m_marker = new QCPItemStraightLine(m_plot);
    m_marker->setPen(QPen(QColor(40, 40, 40), 1.5, Qt::DashLine));
    m_marker->setVisible(false);
    m_message = new QCPItemText(m_plot);
    m_message->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_message->position->setCoords(0.5, 0.5);
    m_message->setColor(Qt::darkGray);
    connect(m_plot, &QCustomPlot::mousePress, this, &ScanStripPlot::pick);
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (event->buttons() & Qt::LeftButton)
            pick(event);
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    clear(QString());
}

void ScanStripPlot::clear(const QString& message)
{
    m_indices.clear();
    m_plot->clearGraphs();
    m_plot->legend->setVisible(false);
    m_marker->setVisible(false);
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
    m_plot->xAxis->setLabel(tr("slice"));
    m_plot->xAxis->setRange(0, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ScanStripPlot::setPrediction(const ScanPrediction& prediction)
{
    clear(QString());
    m_plane = prediction.selection.plane;
    for (const ScanSliceProbabilities& s : prediction.slices)
        m_indices.push_back(s.index);
    std::sort(m_indices.begin(), m_indices.end());
    for (std::size_t c = 0; c < prediction.classNames.size(); ++c) {
        QVector<double> x, y;
        for (const ScanSliceProbabilities& s : prediction.slices) {
            x << s.index;
            y << s.probabilities.at(c);
        }
        QCPGraph* graph = m_plot->addGraph();
        const QColor colour = classColor(static_cast<int>(c));
        graph->setName(QString::fromStdString(prediction.classNames[c]));
        graph->setPen(QPen(colour, 1.5));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, colour, 5));
        graph->setData(x, y, true);
    }
    m_plot->legend->setVisible(true);
    m_plot->xAxis->setLabel(tr("%1 slice (the range the verdict averages)").arg(QString::fromLatin1(slicePlaneName(m_plane))));
    if (!m_indices.empty())
        m_plot->xAxis->setRange(m_indices.front() - 0.6, m_indices.back() + 0.6);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ScanStripPlot::setCurrentSlice(SlicePlane plane, int index)
{
    const bool inRange = !m_indices.empty() && plane == m_plane && index >= m_indices.front() && index <= m_indices.back();
    m_marker->setVisible(inRange);
    m_marker->point1->setCoords(index, 0);
    m_marker->point2->setCoords(index, 1);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int ScanStripPlot::pointCount(int classIndex) const
{
    return classIndex >= 0 && classIndex < m_plot->graphCount() ? m_plot->graph(classIndex)->dataCount() : 0;
}

int ScanStripPlot::classCount() const
{
    return m_plot->graphCount();
}

bool ScanStripPlot::isMarkerVisible() const
{
    return m_marker->visible();
}

double ScanStripPlot::markerPosition() const
{
    return m_marker->point1->coords().x();
}

QPoint ScanStripPlot::pointOf(int index, double probability) const
{
    return QPointF(m_plot->xAxis->coordToPixel(index), m_plot->yAxis->coordToPixel(probability)).toPoint();
}

void ScanStripPlot::pick(QMouseEvent* event)
{
    const QPointF at = event->position();
    if (m_indices.empty() || !m_plot->axisRect()->rect().contains(at.toPoint()))
        return;
    const double x = m_plot->xAxis->pixelToCoord(at.x());
    const auto nearest = std::min_element(m_indices.begin(), m_indices.end(), [x](int a, int b) { return std::abs(a - x) < std::abs(b - x); });
    emit sliceClicked(*nearest);
}

QImage ScanStripPlot::image(int width, int height) const
{
    return m_plot->toPixmap(width, height).toImage();
}

} // namespace neurodx::ui
