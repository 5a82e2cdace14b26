// DICOM files written by other toolkits: GDCM's gdcmconv and gdcmimg, and DCMTK's img2dcm command
// line tool, in every transfer syntax they produce. NeuroDx must read what free DCMTK can decode and
// name the file and the reason for the rest (JPEG 2000).
#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "imaging/SliceLoader.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class OtherToolkitsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void gdcmconvTransferSyntaxes_data();
    void gdcmconvTransferSyntaxes();
    void gdcmimgWrites16BitMr();
    void img2dcmWrites8BitSecondaryCapture();

private:
    // Runs a tool; false (with the reason logged) when it fails, for QVERIFY(run(...)).
    bool run(const QString& program, const QStringList& args);
    fs::path path(const std::string& name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
    cv::Mat m_stored;
};

void OtherToolkitsTest::initTestCase()
{
    for (const char* tool : {"gdcmconv", "gdcmimg", "img2dcm"}) {
        if (QStandardPaths::findExecutable(tool).isEmpty())
            QFAIL(qPrintable(QString("%1 is missing: run scripts/bootstrap.sh (packages libgdcm-tools, dcmtk)").arg(tool)));
    }
    m_stored = rampImage(32, 24, CV_16UC1, 5.0, 100.0);
    writeDicom(path("source.dcm"), {m_stored}, {});
}

bool OtherToolkitsTest::run(const QString& program, const QStringList& args)
{
    QProcess process;
    process.start(program, args);
    if (!process.waitForFinished(60000)) {
        qWarning("%s timed out", qPrintable(program));
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(args.join(' ')), process.readAllStandardError().constData());
        return false;
    }
    return true;
}

void OtherToolkitsTest::gdcmconvTransferSyntaxes_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("expectedUid"); // empty: NeuroDx must refuse with a clear message
    QTest::newRow("implicit LE") << QStringList{"--implicit"} << "1.2.840.10008.1.2";
    QTest::newRow("deflated") << QStringList{"--deflated"} << "1.2.840.10008.1.2.1.99";
    QTest::newRow("jpeg lossless") << QStringList{"--jpeg"} << "1.2.840.10008.1.2.4.70";
    QTest::newRow("jpeg-ls lossless") << QStringList{"--jpegls"} << "1.2.840.10008.1.2.4.80";
    QTest::newRow("rle") << QStringList{"--rle"} << "1.2.840.10008.1.2.5";
    QTest::newRow("jpeg 2000") << QStringList{"--j2k"} << "";
}

void OtherToolkitsTest::gdcmconvTransferSyntaxes()
{
    QFETCH(QStringList, options);
    QFETCH(QString, expectedUid);
    const fs::path out = path(std::string("gdcm_") + QTest::currentDataTag() + ".dcm");
    QVERIFY(run("gdcmconv", options + QStringList{QString::fromStdString(path("source.dcm").string()), QString::fromStdString(out.string())}));
    if (expectedUid.isEmpty()) {
        try {
            loadSlice(out);
            QFAIL("expected a clear refusal");
        } catch (const NeuroDxError& e) {
            QCOMPARE(e.kind(), ErrorKind::UnsupportedFormat);
            QVERIFY2(QString(e.what()).contains("JPEG 2000"), e.what());
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(out.filename().string())), e.what());
        }
        return;
    }
    const Slice slice = loadSlice(out);
    QCOMPARE(QString::fromStdString(slice.info.transferSyntaxUid), expectedUid);
    cv::Mat expected;
    m_stored.convertTo(expected, CV_32F);
    QCOMPARE(cv::norm(slice.pixels, expected, cv::NORM_INF), 0.0);
}

void OtherToolkitsTest::gdcmimgWrites16BitMr()
{
    const fs::path pgm = path("input.pgm");
    writeImage(pgm, m_stored);
    const fs::path out = path("gdcmimg.dcm");
    QVERIFY(run("gdcmimg", {QString::fromStdString(pgm.string()), QString::fromStdString(out.string())}));
    const Slice slice = loadSlice(out);
    QCOMPARE(slice.info.width, 32);
    cv::Mat expected;
    m_stored.convertTo(expected, CV_32F);
    QCOMPARE(cv::norm(slice.pixels, expected, cv::NORM_INF), 0.0);
}

void OtherToolkitsTest::img2dcmWrites8BitSecondaryCapture()
{
    const cv::Mat grey = rampImage(40, 30, CV_8UC1, 0.2);
    const fs::path jpeg = path("input.jpg");
    cv::imwrite(jpeg.string(), grey, {cv::IMWRITE_JPEG_QUALITY, 95});
    const fs::path out = path("img2dcm.dcm");
    QVERIFY(run("img2dcm", {QString::fromStdString(jpeg.string()), QString::fromStdString(out.string())}));
    const Slice slice = loadSlice(out); // JPEG baseline inside DICOM, decoded by DCMTK
    QCOMPARE(slice.info.width, 40);
    QCOMPARE(slice.info.height, 30);
    cv::Mat expected;
    grey.convertTo(expected, CV_32F);
    cv::Mat decodedGrey = slice.pixels;
    if (decodedGrey.channels() == 3)
        cv::cvtColor(decodedGrey, decodedGrey, cv::COLOR_RGB2GRAY);
    QVERIFY2(cv::norm(decodedGrey, expected, cv::NORM_L1) / expected.total() < 3.0, "lossy JPEG stays close");
}

QTEST_APPLESS_MAIN(OtherToolkitsTest)
#include "tst_othertoolkits.moc"
