#include "ClassCountChart.h"

#include "ClassColors.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <algorithm>

namespace neurodx::ui {

namespace {

constexpr double kBarWidth = 0.34;

std::vector<double> valuesOf(const std::vector<QCPBars*>& bars)
{
    std::vector<double> values;
    for (const QCPBars* b : bars) {
        if (!b->data()->isEmpty())
            values.push_back(b->data()->constBegin()->value);
    }
    return values;
}

} // namespace

ClassCountChart::ClassCountChart(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setObjectName(QStringLiteral("classCountPlot"));
    m_plot->setMinimumSize(320, 220);
    m_plot->yAxis->setLabel(tr("Count"));
    m_plot->xAxis->setLabel(tr("solid: images    light: subjects"));
    m_plot->setToolTip(tr("Images (solid) and subjects (light) per class"));
}

void ClassCountChart::setCounts(const QStringList& classNames, const std::vector<double>& images, const std::vector<double>& subjects)
{
    clear();
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    double top = 1;
    for (int i = 0; i < classNames.size(); ++i) {
        const double key = i + 1;
        ticker->addTick(key, classNames[i]);
        const QColor colour = classColor(i);
        const double imageCount = static_cast<std::size_t>(i) < images.size() ? images[static_cast<std::size_t>(i)] : 0.0;
        const double subjectCount = static_cast<std::size_t>(i) < subjects.size() ? subjects[static_cast<std::size_t>(i)] : 0.0;

        auto* imageBar = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        imageBar->setWidth(kBarWidth);
        imageBar->setBrush(colour);
        imageBar->setPen(colour.darker(130));
        imageBar->addData(key - kBarWidth / 2, imageCount);
        auto* subjectBar = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        subjectBar->setWidth(kBarWidth);
        subjectBar->setBrush(colour.lighter(165));
        subjectBar->setPen(colour);
        subjectBar->addData(key + kBarWidth / 2, subjectCount);
        m_imageBars.push_back(imageBar);
        m_subjectBars.push_back(subjectBar);
        top = std::max({top, imageCount, subjectCount});
    }
    m_plot->xAxis->setTicker(ticker);
    m_plot->xAxis->setRange(0.4, classNames.size() + 0.6);
    m_plot->yAxis->setRange(0, top * 1.12);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void ClassCountChart::clear()
{
    m_plot->clearPlottables();
    m_imageBars.clear();
    m_subjectBars.clear();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

std::vector<double> ClassCountChart::imageBarValues() const { return valuesOf(m_imageBars); }
std::vector<double> ClassCountChart::subjectBarValues() const { return valuesOf(m_subjectBars); }

} // namespace neurodx::ui
