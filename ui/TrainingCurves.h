#pragma once

#include "TrainingWorker.h"

#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QTimer;

namespace neurodx::ui {

// Loss and accuracy of a training as it runs: every batch (faint) with its exponential moving
// average (TensorBoard's debiased smoothing), the training and validation figures of each epoch,
// and the best epoch marked. Points arrive in bursts; redrawing is coalesced to at most 10 per
// second with queued replots, so the curves stay fluid and the window never stalls.
class TrainingCurves final : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCurves(QWidget* parent = nullptr);

    void clear();
    void addBatches(const QVector<BatchPoint>& points);
    void addEpoch(const EpochRecord& record);
    void setHistory(const std::vector<EpochRecord>& history); // a reopened run: epochs only
    void setBestEpoch(int epoch);                              // 0-based; -1: none
    void setSmoothing(double weight);                          // 0 (raw) to 0.99
    void setLogLoss(bool logarithmic);

    int batchPointCount() const { return static_cast<int>(m_batches.size()); }
    int epochPointCount() const { return static_cast<int>(m_epochs.size()); }
    int bestEpoch() const { return m_bestEpoch; }
    double smoothedLoss(int i) const; // the smoothed batch loss curve, for tests
    const std::vector<EpochRecord>& epochs() const { return m_epochs; }
    QCustomPlot* lossPlot() const { return m_loss; }
    QCustomPlot* accuracyPlot() const { return m_accuracy; }
    int replotCount() const { return m_replots; }

private:
    void scheduleReplot();
    void replotNow();
    void rebuildSmoothing();
    void appendSmoothed(const BatchPoint& point);

    QCustomPlot* m_loss;
    QCustomPlot* m_accuracy;
    QCPItemStraightLine* m_bestLossLine;
    QCPItemStraightLine* m_bestAccuracyLine;
    QTimer* m_replotTimer;
    std::vector<BatchPoint> m_batches;
    std::vector<EpochRecord> m_epochs;
    double m_smoothing = 0.6;
    double m_emaLoss = 0, m_emaAccuracy = 0;
    int m_emaCount = 0;
    int m_bestEpoch = -1;
    int m_replots = 0;
};

} // namespace neurodx::ui
