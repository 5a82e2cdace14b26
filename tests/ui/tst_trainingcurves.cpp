// The live curves: smoothing as TensorBoard computes it, the best epoch marked, points counted.
#include "TrainingCurves.h"

#include <qcustomplot.h>

#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace neurodx;
using namespace neurodx::ui;

class TrainingCurvesTest : public QObject {
    Q_OBJECT
private slots:
    void smoothingIsDebiasedEma_data();
    void smoothingIsDebiasedEma();
    void marksTheEpochBestPtHolds_data();
    void marksTheEpochBestPtHolds();
    void logAxisAndClear();
    void replotsAreCoalesced();
};

void TrainingCurvesTest::smoothingIsDebiasedEma_data()
{
    // Losses 2.0, 1.0, 1.5, 0.5, 0.7, 0.2 smoothed as TensorBoard's scalar dashboard does
    // (last = last * w + (1 - w) * value; shown = last / (1 - w^n)), worked out once by hand:
    // w = 0.6: 0.8 / 0.4 = 2.0, 0.88 / 0.64 = 1.375, 1.128 / 0.784 = 1.4387755..., and so on.
    QTest::addColumn<double>("weight");
    QTest::addColumn<QVector<double>>("expected");
    QTest::newRow("raw") << 0.0 << QVector<double>{2.0, 1.0, 1.5, 0.5, 0.7, 0.2};
    QTest::newRow("tensorboard default")
        << 0.6 << QVector<double>{2.0, 1.375, 1.438775510204, 1.007352941176, 0.874045801527, 0.591232545650};
    QTest::newRow("heavy") << 0.95 << QVector<double>{2.0, 1.487179487179, 1.491673970202, 1.224367397823, 1.108469252011, 0.937000501176};
}

void TrainingCurvesTest::smoothingIsDebiasedEma()
{
    QFETCH(double, weight);
    QFETCH(QVector<double>, expected);
    TrainingCurves curves;
    const std::vector<double> losses{2.0, 1.0, 1.5, 0.5, 0.7, 0.2};
    QVector<BatchPoint> points;
    for (std::size_t i = 0; i < losses.size(); ++i)
        points.push_back({double(i + 1) / losses.size(), losses[i], 0.5});
    curves.setSmoothing(0.3); // then changed: the whole curve is recomputed
    curves.addBatches(points);
    curves.setSmoothing(weight);
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(std::abs(curves.smoothedLoss(i) - expected[i]) < 1e-9,
                 qPrintable(QStringLiteral("point %1: %2, expected %3").arg(i).arg(curves.smoothedLoss(i), 0, 'g', 12).arg(expected[i], 0, 'g', 12)));
    QCOMPARE(curves.batchPointCount(), int(losses.size()));
}

void TrainingCurvesTest::marksTheEpochBestPtHolds_data()
{
    // Each epoch's training and validation loss ("nan": no validation); the mark the curves show,
    // which must be the epoch ModelCheckpoint saved (checkpointEpoch, the trainer's own rule).
    QTest::addColumn<QList<double>>("losses");
    QTest::addColumn<QList<double>>("valLosses");
    QTest::addColumn<int>("expected");
    const double nan = std::nan("");
    QTest::newRow("lowest validation loss, not the lowest training loss") << QList<double>{1.0, 0.5, 0.3, 0.2} << QList<double>{1.0, 0.6, 0.8, 0.65} << 1;
    QTest::newRow("a tie keeps the first (strict improvement)") << QList<double>{1.0, 0.9, 0.8} << QList<double>{0.7, 0.6, 0.6} << 1;
    QTest::newRow("no validation part: lowest training loss") << QList<double>{1.0, 0.4, 0.7} << QList<double>{nan, nan, nan} << 1;
    QTest::newRow("an epoch without validation changes nothing") << QList<double>{1.0, 0.5, 0.1} << QList<double>{0.9, 0.7, nan} << 1;
    QTest::newRow("only NaNs in validation before it starts") << QList<double>{1.0, 0.5, 0.4} << QList<double>{nan, 0.8, 0.9} << 1;
}

void TrainingCurvesTest::marksTheEpochBestPtHolds()
{
    QFETCH(QList<double>, losses);
    QFETCH(QList<double>, valLosses);
    QFETCH(int, expected);
    TrainingCurves curves;
    std::vector<EpochRecord> history;
    for (int e = 0; e < losses.size(); ++e) {
        EpochRecord r;
        r.epoch = e;
        r.loss = losses[e];
        r.valLoss = valLosses[e];
        r.accuracy = 0.5;
        r.valAccuracy = std::isnan(valLosses[e]) ? std::nan("") : 0.5;
        curves.addEpoch(r);
        history.push_back(r);
    }
    QCOMPARE(curves.bestEpoch(), expected);
    QCOMPARE(checkpointEpoch(history), expected);
    QCOMPARE(curves.epochPointCount(), static_cast<int>(losses.size()));
    QCOMPARE(curves.lossPlot()->graph(3)->dataCount(), static_cast<int>(std::count_if(valLosses.begin(), valLosses.end(), [](double v) { return !std::isnan(v); })));
}

void TrainingCurvesTest::logAxisAndClear()
{
    TrainingCurves curves;
    curves.addBatches({{0.5, 1.0, 0.4}});
    curves.setLogLoss(true);
    QCOMPARE(curves.lossPlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    curves.setLogLoss(false);
    QCOMPARE(curves.lossPlot()->yAxis->scaleType(), QCPAxis::stLinear);
    curves.clear();
    QCOMPARE(curves.batchPointCount(), 0);
    QCOMPARE(curves.lossPlot()->graph(0)->dataCount(), 0);
    QCOMPARE(curves.bestEpoch(), -1);
}

void TrainingCurvesTest::replotsAreCoalesced()
{
    // 500 batches arriving in one go cost one replot, when the event loop next runs the replot timer;
    // counted, not timed, so a loaded machine cannot make this pass or fail.
    TrainingCurves curves;
    curves.show();
    auto* timer = curves.findChild<QTimer*>(QStringLiteral("replotTimer"));
    QVERIFY(timer);
    for (int i = 0; i < 500; ++i)
        curves.addBatches({{i / 100.0, 1.0, 0.5}});
    QCOMPARE(curves.replotCount(), 0); // nothing replotted while the batches came in
    QVERIFY(timer->isActive());
    QTRY_VERIFY_WITH_TIMEOUT(!timer->isActive(), 60000);
    QCOMPARE(curves.replotCount(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(curves.replotCount(), 1); // and no replot pending after it

    curves.addBatches({{5.01, 0.9, 0.5}}); // the next batch schedules the next replot
    QVERIFY(timer->isActive());
    QTRY_COMPARE_WITH_TIMEOUT(curves.replotCount(), 2, 60000);
}

QTEST_MAIN(TrainingCurvesTest)
#include "tst_trainingcurves.moc"
