// The live curves: smoothing as TensorBoard computes it, the best epoch marked, points counted.
#include "TrainingCurves.h"

#include <qcustomplot.h>

#include <QtTest>

#include <cmath>

using namespace neurodx;
using namespace neurodx::ui;

class TrainingCurvesTest : public QObject {
    Q_OBJECT
private slots:
    void smoothingIsDebiasedEma_data();
    void smoothingIsDebiasedEma();
    void marksTheLowestValidationLoss();
    void logAxisAndClear();
    void replotsAreCoalesced();
};

void TrainingCurvesTest::smoothingIsDebiasedEma_data()
{
    QTest::addColumn<double>("weight");
    QTest::newRow("raw") << 0.0;
    QTest::newRow("tensorboard default") << 0.6;
    QTest::newRow("heavy") << 0.95;
}

void TrainingCurvesTest::smoothingIsDebiasedEma()
{
    QFETCH(double, weight);
    TrainingCurves curves;
    const std::vector<double> losses{2.0, 1.0, 1.5, 0.5, 0.7, 0.2};
    QVector<BatchPoint> points;
    for (std::size_t i = 0; i < losses.size(); ++i)
        points.push_back({double(i + 1) / losses.size(), losses[i], 0.5});
    curves.setSmoothing(0.3); // then changed: the whole curve is recomputed
    curves.addBatches(points);
    curves.setSmoothing(weight);
    double ema = 0;
    for (std::size_t i = 0; i < losses.size(); ++i) {
        ema = ema * weight + (1 - weight) * losses[i];
        const double expected = ema / (1 - std::pow(weight, double(i + 1)));
        QVERIFY2(std::abs(curves.smoothedLoss(int(i)) - expected) < 1e-12, qPrintable(QString::number(i)));
    }
    QCOMPARE(curves.batchPointCount(), int(losses.size()));
}

void TrainingCurvesTest::marksTheLowestValidationLoss()
{
    TrainingCurves curves;
    const double valLosses[] = {1.0, 0.6, 0.8, 0.65};
    for (int e = 0; e < 4; ++e) {
        EpochRecord r;
        r.epoch = e;
        r.loss = 1.0 / (e + 1);
        r.valLoss = valLosses[e];
        r.accuracy = r.valAccuracy = 0.5;
        curves.addEpoch(r);
    }
    QCOMPARE(curves.bestEpoch(), 1);
    QCOMPARE(curves.epochPointCount(), 4);
    QCOMPARE(curves.lossPlot()->graph(3)->dataCount(), 4); // validation
    EpochRecord noValidation;
    noValidation.epoch = 4;
    noValidation.valLoss = noValidation.valAccuracy = std::nan("");
    curves.addEpoch(noValidation);
    QCOMPARE(curves.lossPlot()->graph(3)->dataCount(), 4);
    QCOMPARE(curves.bestEpoch(), 1);
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
    TrainingCurves curves;
    curves.show();
    for (int i = 0; i < 500; ++i)
        curves.addBatches({{i / 100.0, 1.0, 0.5}});
    QTRY_VERIFY(curves.replotCount() >= 1);
    QTest::qWait(250);
    QVERIFY2(curves.replotCount() <= 3, qPrintable(QString::number(curves.replotCount()))); // not 500
}

QTEST_MAIN(TrainingCurvesTest)
#include "tst_trainingcurves.moc"
