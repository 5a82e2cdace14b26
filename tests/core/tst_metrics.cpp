#include "common/NeuroDxError.h"
#include "evaluation/Metrics.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace neurodx;

namespace {

// One-hot-ish probabilities for a predicted class.
std::vector<double> sure(int predicted, int classes = 3, double p = 0.8)
{
    std::vector<double> v(static_cast<std::size_t>(classes), (1.0 - p) / (classes - 1));
    v[static_cast<std::size_t>(predicted)] = p;
    return v;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

} // namespace

class MetricsTest : public QObject {
    Q_OBJECT
private slots:
    void handComputedThreeClassCase();
    void perfectAndWorst();
    void zeroDivisionsAreDefined();
    void aucMatchesMannWhitney_data();
    void aucMatchesMannWhitney();
    void rocCurveEndsAtCorners();
    void bootstrapIsSeededAndBracketsThePoint();
    void rejectsMismatchedInput();
    void jsonAndCsvShapes();
};

void MetricsTest::handComputedThreeClassCase()
{
    // truth:     0 0 0 0 1 1 1 2 2 2
    // predicted: 0 0 0 1 1 1 2 2 2 0
    const std::vector<int> labels{0, 0, 0, 0, 1, 1, 1, 2, 2, 2};
    const std::vector<int> predicted{0, 0, 0, 1, 1, 1, 2, 2, 2, 0};
    std::vector<std::vector<double>> p;
    for (int v : predicted)
        p.push_back(sure(v));
    const ClassificationMetrics m = classificationMetrics(labels, p, 3);
    QCOMPARE(m.confusion, (std::vector<std::vector<std::size_t>>{{3, 1, 0}, {0, 2, 1}, {1, 0, 2}}));
    QVERIFY(near(m.accuracy, 0.7));
    // class 0: tp 3, fp 1, fn 1, tn 5
    QVERIFY(near(m.perClass[0].precision, 0.75));
    QVERIFY(near(m.perClass[0].recall, 0.75));
    QVERIFY(near(m.perClass[0].specificity, 5.0 / 6.0));
    QVERIFY(near(m.perClass[0].f1, 0.75));
    QCOMPARE(m.perClass[0].support, std::size_t{4});
    // class 1: tp 2, fp 1, fn 1 -> p = r = 2/3
    QVERIFY(near(m.perClass[1].precision, 2.0 / 3.0));
    QVERIFY(near(m.balancedAccuracy, (0.75 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0));
    QVERIFY(near(m.macroF1, (0.75 + 2.0 / 3.0 + 2.0 / 3.0) / 3.0));
    // Gorodkin: c = 7, s = 10, p = (4,3,3), t = (4,3,3): (70 - 34) / (100 - 34) = 36 / 66
    QVERIFY(near(m.mcc, 36.0 / 66.0));
    const auto normalised = m.normalisedConfusion();
    QVERIFY(near(normalised[0][0], 0.75) && near(normalised[2][0], 1.0 / 3.0));
}

void MetricsTest::perfectAndWorst()
{
    const std::vector<int> labels{0, 1, 2, 0, 1, 2};
    std::vector<std::vector<double>> right, wrong;
    for (int l : labels) {
        right.push_back(sure(l));
        wrong.push_back(sure((l + 1) % 3));
    }
    const ClassificationMetrics good = classificationMetrics(labels, right, 3);
    QVERIFY(near(good.accuracy, 1.0) && near(good.mcc, 1.0) && near(*good.macroAuc, 1.0));
    const ClassificationMetrics bad = classificationMetrics(labels, wrong, 3);
    QVERIFY(near(bad.accuracy, 0.0));
    QVERIFY(bad.mcc < 0);
}

void MetricsTest::zeroDivisionsAreDefined()
{
    // Everything predicted as class 0; class 2 absent from the truth.
    const std::vector<int> labels{0, 0, 1, 1};
    std::vector<std::vector<double>> p(4, sure(0));
    const ClassificationMetrics m = classificationMetrics(labels, p, 3);
    QVERIFY(near(m.perClass[1].precision, 0.0)); // never predicted
    QVERIFY(near(m.perClass[1].f1, 0.0));
    QVERIFY(near(m.perClass[2].recall, 0.0));    // absent
    QVERIFY(!m.perClass[2].auc.has_value());
    QVERIFY(near(m.balancedAccuracy, 0.5));       // mean over the two present classes
    QVERIFY(near(m.mcc, 0.0));                     // one predicted class: denominator 0
    const ClassificationMetrics empty = classificationMetrics({}, {}, 3);
    QCOMPARE(empty.count, std::size_t{0});
    QVERIFY(near(empty.accuracy, 0.0));
}

void MetricsTest::aucMatchesMannWhitney_data()
{
    QTest::addColumn<QVector<int>>("positive");
    QTest::addColumn<QVector<double>>("scores");
    QTest::addColumn<double>("auc");
    QTest::newRow("separable") << QVector<int>{0, 0, 1, 1} << QVector<double>{0.1, 0.2, 0.8, 0.9} << 1.0;
    QTest::newRow("reversed") << QVector<int>{1, 1, 0, 0} << QVector<double>{0.1, 0.2, 0.8, 0.9} << 0.0;
    QTest::newRow("all tied") << QVector<int>{0, 1, 0, 1} << QVector<double>{0.5, 0.5, 0.5, 0.5} << 0.5;
    // pairs (pos, neg): (0.35>0.1) (0.35>0.4? no) (0.8>0.1) (0.8>0.4) -> 3/4
    QTest::newRow("sklearn example") << QVector<int>{0, 0, 1, 1} << QVector<double>{0.1, 0.4, 0.35, 0.8} << 0.75;
}

void MetricsTest::aucMatchesMannWhitney()
{
    QFETCH(QVector<int>, positive);
    QFETCH(QVector<double>, scores);
    QFETCH(double, auc);
    std::vector<bool> pos(positive.begin(), positive.end());
    QVERIFY(near(*rocAuc(pos, std::vector<double>(scores.begin(), scores.end())), auc));
}

void MetricsTest::rocCurveEndsAtCorners()
{
    const auto curve = rocCurve({false, false, true, true}, {0.1, 0.4, 0.35, 0.8});
    QCOMPARE(curve.front(), (std::pair<double, double>{0.0, 0.0}));
    QCOMPARE(curve.back(), (std::pair<double, double>{1.0, 1.0}));
    QCOMPARE(curve.size(), std::size_t{5});
}

void MetricsTest::bootstrapIsSeededAndBracketsThePoint()
{
    std::vector<int> labels;
    std::vector<std::vector<double>> p;
    for (int i = 0; i < 90; ++i) {
        labels.push_back(i % 3);
        p.push_back(sure(i % 7 == 0 ? (i + 1) % 3 : i % 3, 3, 0.6 + 0.003 * i));
    }
    ClassificationMetrics a = classificationMetrics(labels, p, 3);
    ClassificationMetrics b = a;
    addBootstrapIntervals(a, labels, p, 3, 1000, 7);
    addBootstrapIntervals(b, labels, p, 3, 1000, 7);
    QCOMPARE(a.accuracyCi->low, b.accuracyCi->low);
    QCOMPARE(a.mccCi->high, b.mccCi->high);
    QVERIFY(a.accuracyCi->low < a.accuracy && a.accuracy < a.accuracyCi->high);
    QVERIFY(a.accuracyCi->high - a.accuracyCi->low < 0.25);
    QCOMPARE(a.recallCi.size(), std::size_t{3});
}

void MetricsTest::rejectsMismatchedInput()
{
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, classificationMetrics({0, 1}, {sure(0)}, 3));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, classificationMetrics({5}, {sure(0)}, 3));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, classificationMetrics({0}, {{0.5, 0.5}}, 3));
}

void MetricsTest::jsonAndCsvShapes()
{
    const ClassificationMetrics m = classificationMetrics({0, 1, 2}, {sure(0), sure(1), sure(1)}, 3);
    const nlohmann::json j = toJson(m, {"CN", "MCI", "AD"});
    QCOMPARE(j.at("per_class").at("MCI").at("support").get<int>(), 1);
    QVERIFY(j.at("accuracy_ci95").is_null());
    QCOMPARE(QString::fromStdString(confusionCsv(m, {"CN", "MCI", "AD"})),
             QStringLiteral("true\\predicted,CN,MCI,AD\nCN,1,0,0\nMCI,0,1,0\nAD,0,1,0\n"));
}

QTEST_APPLESS_MAIN(MetricsTest)
#include "tst_metrics.moc"
