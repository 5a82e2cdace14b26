#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "imaging/SliceLoader.h"

#include <opencv2/imgcodecs.hpp>

#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class RasterReaderTest : public QObject {
    Q_OBJECT
private slots:
    void decodesFormats_data();
    void decodesFormats();
    void keepsExactValues();
    void colourBecomesRgb();
    void brokenFilesNameTheProblem_data();
    void brokenFilesNameTheProblem();

private:
    QTemporaryDir m_dir;
};

void RasterReaderTest::decodesFormats_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("format");
    QTest::addColumn<int>("bits");
    QTest::addColumn<int>("samples");
    QTest::newRow("png 8-bit grey") << "a.png" << CV_8UC1 << "png" << 8 << 1;
    QTest::newRow("png 16-bit grey") << "b.png" << CV_16UC1 << "png" << 16 << 1;
    QTest::newRow("png colour") << "c.png" << CV_8UC3 << "png" << 8 << 3;
    QTest::newRow("png with alpha") << "d.png" << CV_8UC4 << "png" << 8 << 3;
    QTest::newRow("jpeg") << "e.jpg" << CV_8UC1 << "jpeg" << 8 << 1;
    QTest::newRow("bmp") << "f.bmp" << CV_8UC3 << "bmp" << 8 << 3;
    QTest::newRow("tiff 16-bit") << "g.tif" << CV_16UC1 << "tiff" << 16 << 1;
    QTest::newRow("png named .dcm") << "h.dcm" << CV_8UC1 << "png" << 8 << 1;
}

void RasterReaderTest::decodesFormats()
{
    QFETCH(QString, name);
    QFETCH(int, type);
    QFETCH(QString, format);
    QFETCH(int, bits);
    QFETCH(int, samples);
    const fs::path file = toPath(m_dir.path()) / name.toStdString();
    const cv::Mat image = rampImage(20, 12, type, type == CV_16UC1 ? 200.0 : 1.0);
    if (name.endsWith(".dcm")) {
        std::vector<unsigned char> png;
        cv::imencode(".png", image, png);
        writeBytes(file, std::string(png.begin(), png.end()));
    } else {
        writeImage(file, image);
    }
    const Slice slice = loadSlice(file);
    QCOMPARE(QString(imageFormatName(slice.info.format)), format);
    QCOMPARE(slice.info.width, 20);
    QCOMPARE(slice.info.height, 12);
    QCOMPARE(slice.info.bitsStored, bits);
    QCOMPARE(slice.info.samplesPerPixel, samples);
    QCOMPARE(slice.pixels.depth(), CV_32F);
    QCOMPARE(slice.pixels.channels(), samples);
}

void RasterReaderTest::keepsExactValues()
{
    const fs::path file = toPath(m_dir.path()) / "exact16.png";
    writeImage(file, rampImage(16, 16, CV_16UC1, 251.0, 7.0));
    const Slice slice = loadSlice(file);
    QCOMPARE(slice.pixels.at<float>(0, 0), 7.0f);
    QCOMPARE(slice.pixels.at<float>(15, 15), float(255 * 251 + 7));
}

void RasterReaderTest::colourBecomesRgb()
{
    cv::Mat bgr(4, 4, CV_8UC3, cv::Scalar(10, 20, 30)); // OpenCV order: B, G, R
    const fs::path file = toPath(m_dir.path()) / "colour.png";
    writeImage(file, bgr);
    const Slice slice = loadSlice(file);
    const cv::Vec3f rgb = slice.pixels.at<cv::Vec3f>(1, 1);
    QCOMPARE(rgb[0], 30.0f);
    QCOMPARE(rgb[2], 10.0f);
    QCOMPARE(QString::fromStdString(slice.info.photometric), QStringLiteral("RGB"));
}

void RasterReaderTest::brokenFilesNameTheProblem_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("words");

    std::vector<unsigned char> png;
    cv::imencode(".png", rampImage(64, 64, CV_8UC1), png);
    const QByteArray full(reinterpret_cast<const char*>(png.data()), static_cast<int>(png.size()));
    QTest::newRow("truncated png") << full.left(full.size() / 2) << int(ErrorKind::CorruptFile) << "truncated";
    QByteArray huge = full;
    const char dims[] = {0x00, 0x01, (char)0x86, (char)0xA0, 0x00, 0x01, (char)0x86, (char)0xA0}; // 100000 x 100000
    huge.replace(16, 8, QByteArray(dims, 8));
    QTest::newRow("absurd png dimensions") << huge << int(ErrorKind::CorruptFile) << "absurd";
    QTest::newRow("text named png") << QByteArray("hello") << int(ErrorKind::UnsupportedFormat) << "not an image";
    QTest::newRow("empty") << QByteArray() << int(ErrorKind::UnreadableFile) << "empty";
    QTest::newRow("jpeg header only") << QByteArray("\xff\xd8\xff\xe0\0\x10JFIF\0", 11) << int(ErrorKind::CorruptFile) << "cannot be decoded";
}

void RasterReaderTest::brokenFilesNameTheProblem()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, kind);
    QFETCH(QString, words);
    const fs::path file = toPath(m_dir.path()) / "broken.png";
    writeBytes(file, bytes.toStdString());
    try {
        loadSlice(file);
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(int(e.kind()), kind);
        QVERIFY2(QString(e.what()).contains(words), e.what());
        QVERIFY2(QString(e.what()).contains("broken.png"), e.what());
    }
}

QTEST_APPLESS_MAIN(RasterReaderTest)
#include "tst_rasterreader.moc"
