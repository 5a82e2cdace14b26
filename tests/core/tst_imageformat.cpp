#include "dataset/ImageFormat.h"

#include <QtTest>

#include <string>

using namespace neurodx;

Q_DECLARE_METATYPE(neurodx::ImageFormat)

class ImageFormatTest : public QObject {
    Q_OBJECT
private slots:
    void detects_data();
    void detects();
    void missingFileIsAnError();
};

namespace {

QByteArray withPreamble(const QByteArray& afterPreamble)
{
    return QByteArray(128, '\0') + afterPreamble;
}

QByteArray bmpHeader(quint32 dibSize)
{
    QByteArray b("BM");
    b += QByteArray(12, '\0');
    b += char(dibSize & 0xFF);
    b += QByteArray(3, '\0');
    b += QByteArray(8, '\0');
    return b;
}

} // namespace

void ImageFormatTest::detects_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<ImageFormat>("format");
    QTest::addColumn<bool>("preamble");
    QTest::newRow("png") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << ImageFormat::Png << false;
    QTest::newRow("jpeg") << QByteArray("\xff\xd8\xff\xe0\0\x10JFIF", 10) << ImageFormat::Jpeg << false;
    QTest::newRow("tiff little endian") << QByteArray("II*\0\x08\0\0\0", 8) << ImageFormat::Tiff << false;
    QTest::newRow("tiff big endian") << QByteArray("MM\0*\0\0\0\x08", 8) << ImageFormat::Tiff << false;
    QTest::newRow("bmp v3") << bmpHeader(40) << ImageFormat::Bmp << false;
    QTest::newRow("bmp-like text") << QByteArray("BM is a band name, not a bitmap header") << ImageFormat::Unknown << false;
    QTest::newRow("dicom with preamble") << withPreamble("DICM\x02\0\0\0") << ImageFormat::Dicom << true;
    // Dual-personality DICOM/TIFF: the preamble holds a TIFF header; "DICM" at 128 decides.
    QTest::newRow("dicom with a tiff preamble") << (QByteArray("II*\0\x08\0\0\0", 8) + QByteArray(120, '\0') + QByteArray("DICM\x02\0\0\0", 8))
                                                << ImageFormat::Dicom << true;
    QTest::newRow("dicom meta without preamble") << QByteArray("DICM\x02\0\0\0", 8) << ImageFormat::Dicom << false;
    QTest::newRow("bare explicit dataset") << QByteArray("\x08\0\x05\0CS\x0a\0ISO_IR 100", 18) << ImageFormat::Dicom << false;
    QTest::newRow("bare implicit dataset") << QByteArray("\x08\0\x16\0\x1a\0\0\0" "1.2.840.10008.5.1.4.1.1.4\0", 34) << ImageFormat::Dicom << false;
    QTest::newRow("text") << QByteArray("Subject,Group\n002_S_0295,CN\n") << ImageFormat::Unknown << false;
    QTest::newRow("zip") << QByteArray("PK\x03\x04", 4) << ImageFormat::Unknown << false;
    QTest::newRow("empty") << QByteArray() << ImageFormat::Unknown << false;
    QTest::newRow("truncated png signature") << QByteArray("\x89PN", 3) << ImageFormat::Unknown << false;
}

void ImageFormatTest::detects()
{
    QFETCH(QByteArray, bytes);
    QFETCH(ImageFormat, format);
    QFETCH(bool, preamble);
    const FormatProbe probe = probeImageFormat(reinterpret_cast<const unsigned char*>(bytes.constData()), static_cast<std::size_t>(bytes.size()));
    QCOMPARE(probe.format, format);
    QCOMPARE(probe.hasDicomPreamble, preamble);
}

void ImageFormatTest::missingFileIsAnError()
{
    QVERIFY_THROWS_EXCEPTION(std::exception, probeImageFormat(std::filesystem::path("/nonexistent/neurodx/file.png")));
}

QTEST_APPLESS_MAIN(ImageFormatTest)
#include "tst_imageformat.moc"
