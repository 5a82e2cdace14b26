// The "unlike the training data" score (core/inference/FeatureDensity): on Gaussian clusters whose
// truth is known, about 1% of fresh in-distribution points are flagged and far points always are;
// the description survives the model file's JSON.
#include "inference/FeatureDensity.h"

#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>
#include <random>

using namespace neurodx;

namespace {

struct Clusters {
    std::vector<std::vector<float>> points;
    std::vector<int> labels;
};

// Three classes in `dims` dimensions: class means 3 apart on the first axes, unit noise with one
// correlated pair (so the shared covariance is not the identity).
Clusters drawClusters(std::size_t perClass, std::size_t dims, unsigned seed, float shift = 0)
{
    std::mt19937 generator(seed);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    Clusters c;
    for (int label = 0; label < 3; ++label)
        for (std::size_t i = 0; i < perClass; ++i) {
            std::vector<float> x(dims);
            for (float& v : x)
                v = noise(generator);
            x[1] = 0.8f * x[0] + 0.6f * x[1];
            x[static_cast<std::size_t>(label)] += 3.0f;
            for (float& v : x)
                v += shift;
            c.points.push_back(x);
            c.labels.push_back(label);
        }
    return c;
}

double flaggedShare(const FeatureDensity& density, const std::vector<std::vector<float>>& points)
{
    std::size_t flagged = 0;
    for (const auto& p : points)
        flagged += density.isUnusual(density.score(p)) ? 1 : 0;
    return static_cast<double>(flagged) / static_cast<double>(points.size());
}

} // namespace

class FeatureDensityTest : public QObject {
    Q_OBJECT
private slots:
    void flagsAboutOnePercentAndEveryFarPoint_data();
    void flagsAboutOnePercentAndEveryFarPoint();
    void usesTheCovarianceNotJustDistance();
    void degenerateFeaturesStayFinite();
    void survivesTheModelFile();
    void damagedDescriptionsAreRefused();
};

void FeatureDensityTest::flagsAboutOnePercentAndEveryFarPoint_data()
{
    QTest::addColumn<int>("dims");
    QTest::newRow("16 features (as they are)") << 16;
    QTest::newRow("200 features (64 principal directions)") << 200;
}

void FeatureDensityTest::flagsAboutOnePercentAndEveryFarPoint()
{
    QFETCH(int, dims);
    const Clusters train = drawClusters(400, std::size_t(dims), 1);
    const Clusters validation = drawClusters(400, std::size_t(dims), 2);
    const FeatureDensity density = fitFeatureDensity(train.points, train.labels, 3, validation.points);
    QCOMPARE(density.featureCount(), std::size_t(dims));
    QCOMPARE(density.basis.size(), dims > 64 ? std::size_t(64) : std::size_t(0));
    QCOMPARE(density.thresholdSlices, std::size_t(1200));
    QVERIFY(density.thresholdFromValidation);

    const double fresh = flaggedShare(density, drawClusters(2000, std::size_t(dims), 3).points);
    QVERIFY2(fresh > 0.002 && fresh < 0.03, qPrintable(QString::number(fresh))); // the 99th percentile: about 1%
    QCOMPARE(flaggedShare(density, drawClusters(100, std::size_t(dims), 4, 6.0f).points), 1.0);
    // Between two class means is still in the distribution's reach; far beyond one is not.
    std::vector<float> between(std::size_t(dims), 0.0f);
    between[0] = between[1] = 1.5f;
    std::vector<float> beyond(std::size_t(dims), 0.0f);
    beyond[2] = 40.0f;
    QVERIFY(density.score(between) < density.score(beyond));
    QVERIFY(density.isUnusual(density.score(beyond)));
}

void FeatureDensityTest::usesTheCovarianceNotJustDistance()
{
    // Features 0 and 1 are correlated (x1 = 0.8 x0 + 0.6 noise). Two points equally far from
    // class 0's mean in plain distance: along the correlation is ordinary, across it is not. A
    // Euclidean or identity-covariance score would rate them alike.
    const Clusters train = drawClusters(2000, 8, 11);
    const FeatureDensity density = fitFeatureDensity(train.points, train.labels, 3, drawClusters(200, 8, 12).points);
    const auto at = [](float a, float b) {
        std::vector<float> x(8, 0.0f);
        x[0] = 3.0f + a; // class 0's mean is (3, 0, 0, ...); its noise has x1 following 0.8 x0
        x[1] = b;
        return x;
    };
    const float d = 2.5f;
    const double along = density.score(at(d / std::sqrt(1.64f), 0.8f * d / std::sqrt(1.64f)));
    const double across = density.score(at(0.8f * d / std::sqrt(1.64f), -d / std::sqrt(1.64f)));
    QVERIFY2(across > 4 * along, qPrintable(QString("along %1, across %2").arg(along).arg(across)));
    QVERIFY(density.shrinkage >= 0 && density.shrinkage < 0.2); // 2000 slices per class: little shrinkage needed
}

void FeatureDensityTest::degenerateFeaturesStayFinite()
{
    // One slice per class and features that never vary within a class (a collapsed network):
    // no covariance to estimate, yet scores must be finite and the farthest point the most unusual.
    const std::vector<std::vector<float>> points{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    const FeatureDensity density = fitFeatureDensity(points, {0, 1, 2}, 3, points);
    QCOMPARE(density.shrinkage, 1.0);
    const double near = density.score({1, 0.1f, 0});
    const double far = density.score({9, 9, 9});
    QVERIFY(std::isfinite(near) && std::isfinite(far) && far > near);
    // A class absent from the training slices has no mean and is never the nearest.
    const Clusters two = drawClusters(100, 4, 13);
    std::vector<std::vector<float>> kept;
    std::vector<int> keptLabels;
    for (std::size_t i = 0; i < two.points.size(); ++i)
        if (two.labels[i] != 2) {
            kept.push_back(two.points[i]);
            keptLabels.push_back(two.labels[i]);
        }
    const FeatureDensity partial = fitFeatureDensity(kept, keptLabels, 3, {});
    QCOMPARE(partial.classMeans.size(), std::size_t(2));
}

void FeatureDensityTest::survivesTheModelFile()
{
    const Clusters train = drawClusters(100, 80, 5);
    const FeatureDensity density = fitFeatureDensity(train.points, train.labels, 3, {});
    QVERIFY(!density.thresholdFromValidation); // no validation part: the training slices set it
    const FeatureDensity back = FeatureDensity::fromJson(nlohmann::json::parse(density.toJson().dump()));
    for (const auto& p : drawClusters(5, 80, 6, 1.0f).points)
        QVERIFY(std::abs(back.score(p) - density.score(p)) < 1e-9 * std::max(1.0, density.score(p)));
    QCOMPARE(back.threshold, density.threshold);
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, back.score(std::vector<float>(79, 0.0f)));
}

void FeatureDensityTest::damagedDescriptionsAreRefused()
{
    const Clusters train = drawClusters(50, 8, 7);
    nlohmann::json json = fitFeatureDensity(train.points, train.labels, 3, {}).toJson();
    json["precision"].erase(json["precision"].begin());
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, FeatureDensity::fromJson(json));
    json.erase("center");
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, FeatureDensity::fromJson(json));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, fitFeatureDensity({}, {}, 3, {}));
}

QTEST_APPLESS_MAIN(FeatureDensityTest)
#include "tst_featuredensity.moc"
