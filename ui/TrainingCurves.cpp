#include "TrainingCurves.h"

#include "PlotLegend.h"

#include <qcustomplot.h>

#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

namespace {

// Graph order in both plots.
enum Graph { BatchRaw = 0, BatchSmoothed = 1, EpochTrain = 2, EpochValidation = 3 };

const QColor kTrainColour(0, 114, 178);       // Okabe-Ito blue
const QColor kValidationColour(213, 94, 0);   // vermillion

QCustomPlot* makePlot(const QString& yLabel, const QString& objectName)
{
    auto* plot = new QCustomPlot;
    plot->setObjectName(objectName);
    plot->setMinimumHeight(160);
    plot->setNotAntialiasedElements(QCP::aeAll); // thousands of batch points: cheap lines
    plot->setAntialiasedElements(QCP::aeLegend);
    plot->xAxis->setLabel(QObject::tr("epoch"));
    plot->yAxis->setLabel(yLabel);
    auto* raw = plot->addGraph();
    raw->setName(QObject::tr("batch"));
    raw->setPen(QPen(QColor(0, 114, 178, 60)));
    auto* smoothed = plot->addGraph();
    smoothed->setName(QObject::tr("batch (smoothed)"));
    smoothed->setPen(QPen(kTrainColour.lighter(120), 1.5));
    auto* train = plot->addGraph();
    train->setName(QObject::tr("training (epoch)"));
    train->setPen(QPen(kTrainColour, 2));
    train->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kTrainColour, Qt::white, 6));
    auto* validation = plot->addGraph();
    validation->setName(QObject::tr("validation (epoch)"));
    validation->setPen(QPen(kValidationColour, 2));
    validation->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, kValidationColour, Qt::white, 7));
    placeLegendAbovePlot(plot);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    return plot;
}

QCPItemStraightLine* makeBestLine(QCustomPlot* plot)
{
    auto* line = new QCPItemStraightLine(plot);
    line->setPen(QPen(QColor(0, 158, 115), 1.5, Qt::DashLine));
    line->setVisible(false);
    return line;
}

} // namespace

TrainingCurves::TrainingCurves(QWidget* parent)
    : QWidget(parent),
      m_loss(makePlot(tr("loss"), QStringLiteral("lossPlot"))),
      m_accuracy(makePlot(tr("accuracy"), QStringLiteral("accuracyPlot"))),
      m_bestLossLine(makeBestLine(m_loss)),
      m_bestAccuracyLine(makeBestLine(m_accuracy)),
      m_replotTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("trainingCurves"));
    setToolTip(tr("Drag to pan, wheel to zoom; the dashed line marks the epoch best.pt holds (lowest validation loss, or training loss without validation)"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_loss, 1);
    layout->addWidget(m_accuracy, 1);
    m_replotTimer->setObjectName(QStringLiteral("replotTimer"));
    m_replotTimer->setSingleShot(true);
    m_replotTimer->setInterval(100);
    connect(m_replotTimer, &QTimer::timeout, this, &TrainingCurves::replotNow);
    m_accuracy->yAxis->setRange(0, 1);
    m_loss->xAxis->setRange(0, 1);
    m_accuracy->xAxis->setRange(0, 1);
}

void TrainingCurves::clear()
{
    m_batches.clear();
    m_epochs.clear();
    m_emaCount = 0;
    m_bestEpoch = -1;
    for (QCustomPlot* plot : {m_loss, m_accuracy})
        for (int g = 0; g < plot->graphCount(); ++g)
            plot->graph(g)->data()->clear();
    m_bestLossLine->setVisible(false);
    m_bestAccuracyLine->setVisible(false);
    scheduleReplot();
}

void TrainingCurves::addBatches(const QVector<BatchPoint>& points)
{
    for (const BatchPoint& p : points) {
        m_batches.push_back(p);
        m_loss->graph(BatchRaw)->addData(p.position, p.loss);
        m_accuracy->graph(BatchRaw)->addData(p.position, p.accuracy);
        appendSmoothed(p);
    }
    scheduleReplot();
}

void TrainingCurves::appendSmoothed(const BatchPoint& point)
{
    // TensorBoard's smoothing: an EMA debiased by 1 - w^n, so the first points are not pulled to 0.
    ++m_emaCount;
    m_emaLoss = m_emaLoss * m_smoothing + (1 - m_smoothing) * point.loss;
    m_emaAccuracy = m_emaAccuracy * m_smoothing + (1 - m_smoothing) * point.accuracy;
    const double debias = 1 - std::pow(m_smoothing, m_emaCount);
    m_loss->graph(BatchSmoothed)->addData(point.position, debias > 0 ? m_emaLoss / debias : point.loss);
    m_accuracy->graph(BatchSmoothed)->addData(point.position, debias > 0 ? m_emaAccuracy / debias : point.accuracy);
}

void TrainingCurves::rebuildSmoothing()
{
    m_loss->graph(BatchSmoothed)->data()->clear();
    m_accuracy->graph(BatchSmoothed)->data()->clear();
    m_emaLoss = m_emaAccuracy = 0;
    m_emaCount = 0;
    for (const BatchPoint& p : m_batches)
        appendSmoothed(p);
}

double TrainingCurves::smoothedLoss(int i) const
{
    return (m_loss->graph(BatchSmoothed)->data()->constBegin() + i)->value;
}

void TrainingCurves::addEpoch(const EpochRecord& record)
{
    m_epochs.push_back(record);
    const double x = record.epoch + 1; // an epoch's figures belong to its end
    m_loss->graph(EpochTrain)->addData(x, record.loss);
    m_accuracy->graph(EpochTrain)->addData(x, record.accuracy);
    if (std::isfinite(record.valLoss)) {
        m_loss->graph(EpochValidation)->addData(x, record.valLoss);
        m_accuracy->graph(EpochValidation)->addData(x, record.valAccuracy);
    }
    // The epoch best.pt holds, by the trainer's own rule (lowest loss when there is no validation).
    if (const int best = checkpointEpoch(m_epochs); best >= 0)
        setBestEpoch(m_epochs[static_cast<std::size_t>(best)].epoch);
    scheduleReplot();
}

void TrainingCurves::setHistory(const std::vector<EpochRecord>& history)
{
    clear();
    for (const EpochRecord& record : history)
        addEpoch(record);
}

void TrainingCurves::setBestEpoch(int epoch)
{
    m_bestEpoch = epoch;
    for (QCPItemStraightLine* line : {m_bestLossLine, m_bestAccuracyLine}) {
        line->setVisible(epoch >= 0);
        line->point1->setCoords(epoch + 1, 0);
        line->point2->setCoords(epoch + 1, 1);
    }
    scheduleReplot();
}

void TrainingCurves::setSmoothing(double weight)
{
    m_smoothing = std::clamp(weight, 0.0, 0.99);
    rebuildSmoothing();
    scheduleReplot();
}

void TrainingCurves::setLogLoss(bool logarithmic)
{
    if (logarithmic) {
        m_loss->yAxis->setScaleType(QCPAxis::stLogarithmic);
        m_loss->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    } else {
        m_loss->yAxis->setScaleType(QCPAxis::stLinear);
        m_loss->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    scheduleReplot();
}

void TrainingCurves::scheduleReplot()
{
    if (!m_replotTimer->isActive())
        m_replotTimer->start();
}

void TrainingCurves::replotNow()
{
    for (QCustomPlot* plot : {m_loss, m_accuracy}) {
        bool found = false;
        QCPRange keys;
        for (int g = 0; g < plot->graphCount(); ++g) {
            bool ok = false;
            const QCPRange r = plot->graph(g)->getKeyRange(ok);
            if (ok)
                keys = found ? QCPRange(std::min(keys.lower, r.lower), std::max(keys.upper, r.upper)) : r;
            found = found || ok;
        }
        plot->xAxis->setRange(0, found ? std::max(1.0, std::ceil(keys.upper)) : 1.0);
    }
    m_loss->yAxis->rescale();
    if (m_loss->yAxis->scaleType() == QCPAxis::stLinear)
        m_loss->yAxis->setRange(0, std::max(0.1, m_loss->yAxis->range().upper * 1.08));
    else
        m_loss->yAxis->scaleRange(1.2);
    m_accuracy->yAxis->setRange(0, 1.02);
    m_loss->replot(QCustomPlot::rpQueuedReplot);
    m_accuracy->replot(QCustomPlot::rpQueuedReplot);
    ++m_replots;
}

} // namespace neurodx::ui
