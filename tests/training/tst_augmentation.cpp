#include "common/SeededRandom.h"
#include "training/Augmentation.h"

#include <opencv2/core.hpp>

#include <QtTest>

using namespace neurodx;

class AugmentationTest : public QObject {
    Q_OBJECT
private slots:
    void neverWritesIntoTheCache();
    void disabledLeavesTheSliceAlone();
    void flipsOnlyMirror();
    void rotationFillsByReflection();
    void sameSeedSameAugmentation();
    void rotationsCoverTheRange();
};

namespace {

cv::Mat gradient()
{
    cv::Mat m(32, 32, CV_8UC1);
    for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x)
            m.at<unsigned char>(y, x) = static_cast<unsigned char>(100 + x * 3 + y);
    return m;
}

} // namespace

void AugmentationTest::neverWritesIntoTheCache()
{
    AugmentationConfig all;
    SeededRandom random(5);
    const cv::Mat in = gradient();
    const cv::Mat copy = in.clone();
    for (int i = 0; i < 20; ++i)
        augmentSlice(in, all, random);
    QCOMPARE(cv::norm(in, copy, cv::NORM_INF), 0.0);
}

void AugmentationTest::disabledLeavesTheSliceAlone()
{
    AugmentationConfig off{false, false, 0.0};
    SeededRandom random(1);
    const cv::Mat in = gradient();
    for (int i = 0; i < 10; ++i)
        QCOMPARE(cv::norm(augmentSlice(in, off, random), in, cv::NORM_INF), 0.0);
}

void AugmentationTest::flipsOnlyMirror()
{
    AugmentationConfig flips{true, true, 0.0};
    SeededRandom random(2);
    const cv::Mat in = gradient();
    cv::Mat h, v, hv;
    cv::flip(in, h, 1);
    cv::flip(in, v, 0);
    cv::flip(in, hv, -1);
    int seen[4] = {0, 0, 0, 0};
    for (int i = 0; i < 200; ++i) {
        const cv::Mat out = augmentSlice(in, flips, random);
        const int kind = cv::norm(out, in, cv::NORM_INF) == 0 ? 0 : cv::norm(out, h, cv::NORM_INF) == 0 ? 1 : cv::norm(out, v, cv::NORM_INF) == 0 ? 2 : cv::norm(out, hv, cv::NORM_INF) == 0 ? 3 : -1;
        QVERIFY(kind >= 0);
        ++seen[kind];
    }
    for (int count : seen)
        QVERIFY(count > 25); // each of the four outcomes about a quarter of the time
}

void AugmentationTest::rotationFillsByReflection()
{
    AugmentationConfig rotate{false, false, 36.0};
    SeededRandom random(3);
    const cv::Mat in(32, 32, CV_8UC1, cv::Scalar(200));
    for (int i = 0; i < 20; ++i) {
        const cv::Mat out = augmentSlice(in, rotate, random);
        double minValue = 0;
        cv::minMaxLoc(out, &minValue);
        QCOMPARE(minValue, 200.0); // reflect fill: no black corners as with constant fill
    }
}

void AugmentationTest::sameSeedSameAugmentation()
{
    AugmentationConfig all;
    SeededRandom a(9), b(9);
    const cv::Mat in = gradient();
    for (int i = 0; i < 10; ++i)
        QCOMPARE(cv::norm(augmentSlice(in, all, a), augmentSlice(in, all, b), cv::NORM_INF), 0.0);
}

void AugmentationTest::rotationsCoverTheRange()
{
    // A bright dot off centre moves by the rotation angle; the largest angle seen is near 36 degrees.
    AugmentationConfig rotate{false, false, 36.0};
    SeededRandom random(4);
    cv::Mat in(65, 65, CV_8UC1, cv::Scalar(0));
    in.at<unsigned char>(32, 60) = 255;
    double largest = 0;
    for (int i = 0; i < 300; ++i) {
        cv::Point peak;
        cv::minMaxLoc(augmentSlice(in, rotate, random), nullptr, nullptr, nullptr, &peak);
        largest = std::max(largest, std::abs(std::atan2(32.0 - peak.y, peak.x - 32.0)) * 180.0 / CV_PI);
    }
    QVERIFY2(largest > 30.0 && largest < 40.0, qPrintable(QString::number(largest)));
}

QTEST_APPLESS_MAIN(AugmentationTest)
#include "tst_augmentation.moc"
