// Temperature scaling, expected calibration error and Brier score (core/evaluation/Calibration):
// checked against values worked out by hand and against data whose true calibration is known.
#include "evaluation/Calibration.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using namespace neurodx;

namespace {

using Rows = std::vector<std::vector<double>>;

// Logits drawn at random, and labels drawn from softmax(logits / trueTemperature): data that a
// temperature of exactly `trueTemperature` calibrates.
void drawCalibratedData(double trueTemperature, std::size_t count, Rows& logits, std::vector<int>& labels)
{
    SeededRandom random(7);
    for (std::size_t i = 0; i < count; ++i) {
        std::vector<double> z(3);
        for (double& v : z)
            v = (static_cast<double>(random.below(2001)) / 1000.0 - 1.0) * 4.0;
        const std::vector<double> p = softmax(z, trueTemperature);
        const double u = static_cast<double>(random.below(1000000)) / 1000000.0;
        int label = 0;
        for (double cumulative = p[0]; label < 2 && u >= cumulative; cumulative += p[static_cast<std::size_t>(++label)]) {
        }
        logits.push_back(z);
        labels.push_back(label);
    }
}

} // namespace

class CalibrationTest : public QObject {
    Q_OBJECT
private slots:
    void temperatureRecoversTheTrueOne_data();
    void temperatureRecoversTheTrueOne();
    void temperatureKeepsEveryPrediction();
    void eceAndBrierByHand();
    void calibratedDataHasSmallEce();
    void confidenceOfOneFallsInTheLastBin();
    void intervalsAndJsonRoundTrip();
    void mismatchedSizesAreRefused();
    void perfectlySeparatedDataEndsAtTheBound();
};

void CalibrationTest::temperatureRecoversTheTrueOne_data()
{
    QTest::addColumn<double>("trueTemperature");
    QTest::newRow("over-confident network") << 2.5;
    QTest::newRow("calibrated") << 1.0;
    QTest::newRow("under-confident network") << 0.5;
}

void CalibrationTest::temperatureRecoversTheTrueOne()
{
    QFETCH(double, trueTemperature);
    Rows logits;
    std::vector<int> labels;
    drawCalibratedData(trueTemperature, 20000, logits, labels);
    const double fitted = fitTemperature(logits, labels);
    QVERIFY2(std::abs(fitted - trueTemperature) < 0.1 * trueTemperature, qPrintable(QString::number(fitted)));
    // The fitted temperature is the NLL's minimum: both neighbours are worse.
    const double best = negativeLogLikelihood(logits, labels, fitted);
    QVERIFY(best <= negativeLogLikelihood(logits, labels, fitted * 1.05));
    QVERIFY(best <= negativeLogLikelihood(logits, labels, fitted / 1.05));
}

void CalibrationTest::temperatureKeepsEveryPrediction()
{
    const std::vector<double> z{1.0, 3.0, -2.0};
    for (double t : {0.1, 0.7, 1.0, 4.0, 50.0}) {
        const std::vector<double> p = softmax(z, t);
        QCOMPARE(int(std::max_element(p.begin(), p.end()) - p.begin()), 1);
        QVERIFY(std::abs(p[0] + p[1] + p[2] - 1.0) < 1e-12);
    }
    // log p_i - log p_j = (z_i - z_j) / T
    const std::vector<double> p = softmax(z, 2.0);
    QVERIFY(std::abs(std::log(p[1] / p[0]) - 1.0) < 1e-12);
    QCOMPARE(fitTemperature({}, {}), 1.0);
}

void CalibrationTest::eceAndBrierByHand()
{
    // Top confidences 0.95 (right), 0.95 (wrong), 0.65 (right), 0.62 (right), 15 bins:
    // bin (14/15, 1]: accuracy 0.5, confidence 0.95 -> |0.45| x 2/4 = 0.225;
    // bin (9/15, 10/15]: accuracy 1, confidence 0.635 -> |0.365| x 2/4 = 0.1825; ECE 0.4075.
    // Brier: 0.0038 + 1.8438 + 0.185 + 0.2168 = 2.2494, / 4 = 0.56235.
    const Rows p{{0.95, 0.03, 0.02}, {0.95, 0.03, 0.02}, {0.2, 0.65, 0.15}, {0.62, 0.2, 0.18}};
    const std::vector<int> labels{0, 1, 1, 0};
    const CalibrationMetrics m = calibrationMetrics(labels, p);
    QVERIFY2(std::abs(m.ece - 0.4075) < 1e-12, qPrintable(QString::number(m.ece, 'g', 12)));
    QVERIFY2(std::abs(m.brier - 0.56235) < 1e-12, qPrintable(QString::number(m.brier, 'g', 12)));
    QCOMPARE(m.bins.size(), std::size_t(15));
    QCOMPARE(m.bins[14].count, std::size_t(2));
    QCOMPARE(m.bins[9].count, std::size_t(2));
    QCOMPARE(m.bins[14].accuracy, 0.5);
    QVERIFY(std::abs(m.bins[9].meanConfidence - 0.635) < 1e-12);
    QCOMPARE(m.count, std::size_t(4));
}

void CalibrationTest::calibratedDataHasSmallEce()
{
    Rows logits;
    std::vector<int> labels;
    drawCalibratedData(2.0, 20000, logits, labels);
    const CalibrationMetrics raw = calibrationMetrics(labels, softmaxRows(logits, 1.0));
    const CalibrationMetrics scaled = calibrationMetrics(labels, softmaxRows(logits, fitTemperature(logits, labels)));
    QVERIFY2(scaled.ece < 0.02, qPrintable(QString::number(scaled.ece)));
    QVERIFY2(raw.ece > 3 * scaled.ece, qPrintable(QString("%1 vs %2").arg(raw.ece).arg(scaled.ece)));
    QVERIFY(scaled.brier < raw.brier);
}

void CalibrationTest::confidenceOfOneFallsInTheLastBin()
{
    const CalibrationMetrics m = calibrationMetrics({0, 1}, {{1.0, 0.0}, {0.5, 0.5}}, 10);
    QCOMPARE(m.bins[9].count, std::size_t(1));
    QCOMPARE(m.bins[4].count, std::size_t(1)); // 0.5 is the upper edge of (0.4, 0.5]
    std::size_t total = 0;
    for (const ReliabilityBin& b : m.bins)
        total += b.count;
    QCOMPARE(total, std::size_t(2));
}

void CalibrationTest::intervalsAndJsonRoundTrip()
{
    Rows logits;
    std::vector<int> labels;
    drawCalibratedData(1.5, 500, logits, labels);
    const Rows p = softmaxRows(logits);
    CalibrationMetrics m = calibrationMetrics(labels, p);
    addCalibrationIntervals(m, labels, p, 200, 3);
    QVERIFY(m.eceCi && m.brierCi);
    QVERIFY(m.eceCi->low < m.eceCi->high && m.brierCi->low <= m.brier && m.brier <= m.brierCi->high);
    const CalibrationMetrics back = calibrationMetricsFromJson(toJson(m));
    QCOMPARE(back.ece, m.ece);
    QCOMPARE(back.brier, m.brier);
    QCOMPARE(back.bins.size(), m.bins.size());
    QCOMPARE(back.bins[7].count, m.bins[7].count);
    QCOMPARE(back.eceCi->high, m.eceCi->high);
}

void CalibrationTest::mismatchedSizesAreRefused()
{
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, calibrationMetrics({0, 1}, {{0.5, 0.5}}));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, negativeLogLikelihood({{0.5, 0.5}}, {0, 1}, 1.0));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, calibrationMetrics({0}, {{}}));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, calibrationMetrics({0}, {{std::nan(""), 0.5}}));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, calibrationMetrics({0}, {{0.5, 0.5}}, 0));
}

void CalibrationTest::perfectlySeparatedDataEndsAtTheBound()
{
    // Every case right by a wide margin: sharper is always better, so the fit runs into its bound
    // and callers must not store it (TrainingJob keeps the raw softmax then).
    const Rows logits{{5, 0, 0}, {0, 6, 0}, {0, 0, 4}, {7, 1, 0}};
    const double t = fitTemperature(logits, {0, 1, 2, 0});
    QVERIFY2(isTemperatureAtBound(t), qPrintable(QString::number(t)));
    Rows mixed;
    std::vector<int> labels;
    drawCalibratedData(1.3, 2000, mixed, labels);
    QVERIFY(!isTemperatureAtBound(fitTemperature(mixed, labels)));
}

QTEST_APPLESS_MAIN(CalibrationTest)
#include "tst_calibration.moc"
