#include "common/NeuroDxError.h"
#include "imaging/ModelInput.h"

#include <QtTest>

using namespace neurodx;

namespace {

Slice greySlice(ImageFormat format, int bits, const cv::Mat& values)
{
    Slice slice;
    slice.info.format = format;
    slice.info.bitsStored = slice.info.bitsAllocated = bits;
    slice.info.width = values.cols;
    slice.info.height = values.rows;
    values.convertTo(slice.pixels, CV_32F);
    return slice;
}

cv::Mat ramp(int w, int h, double step)
{
    cv::Mat m(h, w, CV_32FC1);
    for (int i = 0; i < w * h; ++i)
        m.at<float>(i / w, i % w) = static_cast<float>(i * step);
    return m;
}

} // namespace

class ModelInputTest : public QObject {
    Q_OBJECT
private slots:
    void eightBitFollowsTheSeed();
    void dicomWindowFollowsPs33_data();
    void dicomWindowFollowsPs33();
    void monochrome1IsInvertedAfterWindowing();
    void percentileWindowIgnoresOutliers();
    void resizesAndReplicatesChannels();
    void colourBecomesLuma();
    void rejectsBadConfig();
};

void ModelInputTest::eightBitFollowsTheSeed()
{
    const Slice slice = greySlice(ImageFormat::Png, 8, ramp(16, 16, 1.0));
    const cv::Mat input = modelInput(slice, {16, 1});
    QCOMPARE(input.type(), CV_32FC1);
    for (int i = 0; i < 256; i += 17)
        QCOMPARE(input.at<float>(i / 16, i % 16), static_cast<float>(i) / 255.0f);
    QCOMPARE(QString::fromStdString(intensityWindowFor(slice).source), QStringLiteral("8-bit / 255"));
}

void ModelInputTest::dicomWindowFollowsPs33_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<double>("expected");
    // c = 100, w = 51: linear from 74.5 (0) to 124.5 (1), y = (x - 99.5) / 50 + 0.5.
    QTest::newRow("below") << 50.0 << 0.0;
    QTest::newRow("lower edge") << 74.5 << 0.0;
    QTest::newRow("centre") << 100.0 << 0.51;
    QTest::newRow("upper quarter") << 112.0 << 0.75;
    QTest::newRow("above") << 500.0 << 1.0;
}

void ModelInputTest::dicomWindowFollowsPs33()
{
    QFETCH(double, value);
    QFETCH(double, expected);
    Slice slice = greySlice(ImageFormat::Dicom, 16, cv::Mat(2, 2, CV_32FC1, cv::Scalar(value)));
    slice.info.windowCenter = 100.0;
    slice.info.windowWidth = 51.0;
    const IntensityWindow window = intensityWindowFor(slice);
    QCOMPARE(QString::fromStdString(window.source), QStringLiteral("file window"));
    QVERIFY(std::abs(normalisedGrey(slice, window).at<float>(0, 0) - expected) < 1e-5);
}

void ModelInputTest::monochrome1IsInvertedAfterWindowing()
{
    Slice slice = greySlice(ImageFormat::Dicom, 16, ramp(4, 1, 100.0)); // 0, 100, 200, 300
    slice.info.photometric = "MONOCHROME1";
    slice.info.windowCenter = 150.5;
    slice.info.windowWidth = 201.0; // 0 -> 0.25, 300 -> clipped at 1
    const cv::Mat grey = normalisedGrey(slice, intensityWindowFor(slice));
    QCOMPARE(grey.at<float>(0, 0), 1.0f); // lowest value shown white
    QCOMPARE(grey.at<float>(0, 3), 0.0f);
    QVERIFY(std::abs(grey.at<float>(0, 1) - 0.75f) < 1e-5); // 1 - (100 - 50) / 200
}

void ModelInputTest::percentileWindowIgnoresOutliers()
{
    cv::Mat values = ramp(100, 100, 1.0); // 0..9999
    values.at<float>(0, 0) = 1e6f;        // one hot pixel
    const Slice slice = greySlice(ImageFormat::Dicom, 16, values);
    const IntensityWindow window = intensityWindowFor(slice);
    QCOMPARE(QString::fromStdString(window.source), QStringLiteral("percentile 0.5-99.5"));
    QVERIFY(window.low > 40 && window.low < 60);
    QVERIFY(window.high > 9930 && window.high < 9960);
}

void ModelInputTest::resizesAndReplicatesChannels()
{
    const Slice slice = greySlice(ImageFormat::Png, 8, cv::Mat(40, 30, CV_8UC1, cv::Scalar(51)));
    const cv::Mat one = modelInput(slice, {64, 1});
    QCOMPARE(one.size(), cv::Size(64, 64));
    const cv::Mat three = modelInput(slice, {64, 3});
    QCOMPARE(three.type(), CV_32FC3);
    const cv::Vec3f v = three.at<cv::Vec3f>(10, 10);
    QVERIFY(std::abs(v[0] - 0.2f) < 1e-6 && v[0] == v[1] && v[1] == v[2]);
}

void ModelInputTest::colourBecomesLuma()
{
    Slice slice;
    slice.info.format = ImageFormat::Png;
    slice.info.samplesPerPixel = 3;
    slice.pixels = cv::Mat(4, 4, CV_32FC3, cv::Scalar(255, 0, 0)); // pure red, RGB order
    const cv::Mat grey = normalisedGrey(slice, intensityWindowFor(slice));
    QVERIFY(std::abs(grey.at<float>(0, 0) - 0.299f) < 1e-3); // ITU-R BT.601 luma
}

void ModelInputTest::rejectsBadConfig()
{
    const Slice slice = greySlice(ImageFormat::Png, 8, cv::Mat(8, 8, CV_8UC1, cv::Scalar(1)));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, modelInput(slice, {256, 2}));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, modelInput(slice, {0, 1}));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, normalisedGrey(Slice{}, {}));
}

QTEST_APPLESS_MAIN(ModelInputTest)
#include "tst_modelinput.moc"
