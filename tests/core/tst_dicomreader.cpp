#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "imaging/DicomReader.h"
#include "imaging/DicomTags.h"
#include "imaging/SliceLoader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

// Every attribute as "tag name VR value" lines, sequences' items included.
static QStringList flattened(const std::vector<DicomTagNode>& nodes)
{
    QStringList lines;
    for (const DicomTagNode& n : nodes) {
        lines << QString::fromStdString(n.tag + " " + n.name + " " + n.vr + " " + n.value);
        lines += flattened(n.children);
    }
    return lines;
}

Q_DECLARE_METATYPE(neurodx::DicomEncoding)

class DicomReaderTest : public QObject {
    Q_OBJECT
private slots:
    void decodesGreyVariants_data();
    void decodesGreyVariants();
    void readsHeaderFacts();
    void decodesRgb_data();
    void decodesRgb();
    void decodesYbrFull();
    void decodesPaletteColour();
    void multiFrameDefaultsToTheMiddle();
    void brokenFilesNameTheProblem();
    void refusesAbsurdDimensionsBeforeDecoding();
    void dualPersonalityTiffPreambleIsReadAsDicom();
    void identifyingAttributesAreOneList_data();
    void identifyingAttributesAreOneList();

private:
    fs::path path(const std::string& name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
};

void DicomReaderTest::decodesGreyVariants_data()
{
    QTest::addColumn<DicomEncoding>("encoding");
    QTest::addColumn<int>("type");       // CV_8UC1, CV_16UC1, CV_16SC1
    QTest::addColumn<int>("bitsStored");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("slope");   // 0: no rescale attributes
    QTest::addColumn<double>("intercept");
    QTest::addColumn<bool>("meta");

    using E = DicomEncoding;
    QTest::newRow("8-bit explicit LE") << E::ExplicitLittleEndian << CV_8UC1 << 8 << 5.0 << 0.0 << 0.0 << 0.0 << true;
    QTest::newRow("16-bit explicit LE") << E::ExplicitLittleEndian << CV_16UC1 << 16 << 1000.0 << 3.0 << 0.0 << 0.0 << true;
    QTest::newRow("12-bit stored") << E::ExplicitLittleEndian << CV_16UC1 << 12 << 80.0 << 0.0 << 0.0 << 0.0 << true;
    QTest::newRow("signed 16-bit") << E::ExplicitLittleEndian << CV_16SC1 << 16 << 700.0 << -16000.0 << 0.0 << 0.0 << true;
    QTest::newRow("signed 12-bit") << E::ExplicitLittleEndian << CV_16SC1 << 12 << 50.0 << -1200.0 << 0.0 << 0.0 << true;
    QTest::newRow("float slope, negative intercept") << E::ExplicitLittleEndian << CV_16UC1 << 12 << 60.0 << 0.0 << 0.25 << -1024.5 << true;
    QTest::newRow("ct-like rescale, signed") << E::ExplicitLittleEndian << CV_16SC1 << 16 << 40.0 << -900.0 << 1.0 << -1024.0 << true;
    QTest::newRow("implicit LE") << E::ImplicitLittleEndian << CV_16UC1 << 16 << 999.0 << 1.0 << 0.0 << 0.0 << true;
    QTest::newRow("big endian") << E::ExplicitBigEndian << CV_16UC1 << 16 << 1234.0 << 5.0 << 0.0 << 0.0 << true;
    QTest::newRow("big endian 8-bit") << E::ExplicitBigEndian << CV_8UC1 << 8 << 3.0 << 1.0 << 0.0 << 0.0 << true;
    QTest::newRow("deflated") << E::DeflatedExplicitLittleEndian << CV_16UC1 << 16 << 321.0 << 0.0 << 2.0 << 10.0 << true;
    QTest::newRow("no meta header") << E::ImplicitLittleEndian << CV_16UC1 << 16 << 77.0 << 0.0 << 0.0 << 0.0 << false;
    QTest::newRow("no meta header, explicit") << E::ExplicitLittleEndian << CV_16UC1 << 12 << 77.0 << 0.0 << 0.0 << 0.0 << false;
    QTest::newRow("jpeg lossless 16-bit") << E::JpegLossless << CV_16UC1 << 16 << 1200.0 << 7.0 << 0.0 << 0.0 << true;
    QTest::newRow("jpeg lossless 12-bit") << E::JpegLossless << CV_16UC1 << 12 << 85.0 << 0.0 << 0.0 << 0.0 << true;
    QTest::newRow("jpeg lossless 8-bit") << E::JpegLossless << CV_8UC1 << 8 << 5.0 << 0.0 << 0.0 << 0.0 << true;
    QTest::newRow("jpeg-ls lossless") << E::JpegLsLossless << CV_16UC1 << 16 << 1100.0 << 9.0 << 0.0 << 0.0 << true;
    QTest::newRow("jpeg-ls signed") << E::JpegLsLossless << CV_16SC1 << 16 << 600.0 << -14000.0 << 0.0 << 0.0 << true;
    QTest::newRow("rle 16-bit") << E::RleLossless << CV_16UC1 << 16 << 1300.0 << 2.0 << 0.0 << 0.0 << true;
    QTest::newRow("rle 8-bit") << E::RleLossless << CV_8UC1 << 8 << 5.0 << 2.0 << 0.0 << 0.0 << true;
    QTest::newRow("rle signed") << E::RleLossless << CV_16SC1 << 16 << 650.0 << -15000.0 << 0.5 << 100.0 << true;
}

void DicomReaderTest::decodesGreyVariants()
{
    QFETCH(DicomEncoding, encoding);
    QFETCH(int, type);
    QFETCH(int, bitsStored);
    QFETCH(double, step);
    QFETCH(double, offset);
    QFETCH(double, slope);
    QFETCH(double, intercept);
    QFETCH(bool, meta);

    const cv::Mat stored = rampImage(8, 6, type, step, offset);
    DicomWriteOptions options;
    options.encoding = encoding;
    options.bitsStored = bitsStored;
    options.withMetaHeader = meta;
    if (slope != 0.0) {
        options.rescaleSlope = slope;
        options.rescaleIntercept = intercept;
    }
    const fs::path file = path(QTest::currentDataTag() + std::string(".dcm"));
    writeDicom(file, {stored}, options);

    std::vector<DicomTagNode> tags;
    const Slice slice = loadSlice(file, std::nullopt, &tags);
    // The viewer's one read lists the attributes as the header-only reader does (compressed files
    // too: they are taken before decompression).
    QCOMPARE(flattened(tags), flattened(readDicomTags(file)));
    QVERIFY(flattened(tags).contains("(0028,0010) Rows US 6"));
    QCOMPARE(slice.info.format, ImageFormat::Dicom);
    QCOMPARE(slice.info.width, 8);
    QCOMPARE(slice.info.height, 6);
    QCOMPARE(slice.info.bitsStored, bitsStored);
    QCOMPARE(slice.info.isSigned, type == CV_16SC1);
    QCOMPARE(slice.pixels.type(), CV_32FC1);
    const double a = slope != 0.0 ? slope : 1.0;
    const double b = slope != 0.0 ? intercept : 0.0;
    cv::Mat expected;
    stored.convertTo(expected, CV_64F);
    for (int y = 0; y < 6; ++y) {
        for (int x = 0; x < 8; ++x) {
            const double want = expected.at<double>(y, x) * a + b;
            QVERIFY2(std::abs(slice.pixels.at<float>(y, x) - want) < 1e-3,
                     qPrintable(QString("(%1,%2): %3 != %4").arg(x).arg(y).arg(slice.pixels.at<float>(y, x)).arg(want)));
        }
    }
}

void DicomReaderTest::readsHeaderFacts()
{
    DicomWriteOptions options;
    options.photometric = "MONOCHROME1";
    options.windowCenter = 40;
    options.windowWidth = 400;
    options.pixelSpacingMm = 0.9375;
    options.bitsStored = 12;
    options.rescaleSlope = 1.5;
    options.rescaleIntercept = -3;
    const fs::path file = path("facts.dcm");
    writeDicom(file, {rampImage(8, 6, CV_16UC1, 10)}, options);
    const Slice slice = loadSlice(file);
    QVERIFY(slice.info.isMonochrome1());
    QCOMPARE(QString::fromStdString(slice.info.modality), QStringLiteral("MR"));
    QCOMPARE(slice.info.windowCenter.value_or(0), 40.0);
    QCOMPARE(slice.info.windowWidth.value_or(0), 400.0);
    QCOMPARE(slice.info.pixelSpacingRow.value_or(0), 0.9375);
    QCOMPARE(slice.info.rescaleSlope, 1.5);
    QCOMPARE(slice.info.rescaleIntercept, -3.0);
    QCOMPARE(QString::fromStdString(slice.info.transferSyntaxUid), QStringLiteral("1.2.840.10008.1.2.1"));
}

void DicomReaderTest::decodesRgb_data()
{
    QTest::addColumn<DicomEncoding>("encoding");
    QTest::addColumn<int>("planar");
    QTest::newRow("interleaved") << DicomEncoding::ExplicitLittleEndian << 0;
    QTest::newRow("planar") << DicomEncoding::ExplicitLittleEndian << 1;
    QTest::newRow("rle") << DicomEncoding::RleLossless << 0;
    QTest::newRow("jpeg lossless") << DicomEncoding::JpegLossless << 0;
}

void DicomReaderTest::decodesRgb()
{
    QFETCH(DicomEncoding, encoding);
    QFETCH(int, planar);
    cv::Mat rgb(5, 7, CV_8UC3);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
            rgb.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>(x * 30), static_cast<uchar>(y * 50), static_cast<uchar>(200 - x * 10));
    DicomWriteOptions options;
    options.encoding = encoding;
    options.planarConfiguration = planar;
    const fs::path file = path(std::string("rgb_") + QTest::currentDataTag() + ".dcm");
    writeDicom(file, {rgb}, options);
    const Slice slice = loadSlice(file);
    QCOMPARE(slice.pixels.type(), CV_32FC3);
    QVERIFY(slice.info.isColour());
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
            for (int c = 0; c < 3; ++c)
                QCOMPARE(slice.pixels.at<cv::Vec3f>(y, x)[c], float(rgb.at<cv::Vec3b>(y, x)[c]));
}

void DicomReaderTest::decodesYbrFull()
{
    cv::Mat ybr(4, 4, CV_8UC3);
    const cv::Vec3d rgb(200, 80, 30);
    const double y = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    const double cb = 128 - 0.168736 * rgb[0] - 0.331264 * rgb[1] + 0.5 * rgb[2];
    const double cr = 128 + 0.5 * rgb[0] - 0.418688 * rgb[1] - 0.081312 * rgb[2];
    ybr.setTo(cv::Scalar(std::round(y), std::round(cb), std::round(cr)));
    DicomWriteOptions options;
    options.photometric = "YBR_FULL";
    const fs::path file = path("ybr.dcm");
    writeDicom(file, {ybr}, options);
    const cv::Vec3f decoded = loadSlice(file).pixels.at<cv::Vec3f>(2, 2);
    for (int c = 0; c < 3; ++c)
        QVERIFY2(std::abs(decoded[c] - rgb[c]) <= 2.0, qPrintable(QString::number(decoded[c])));
}

void DicomReaderTest::decodesPaletteColour()
{
    const fs::path file = path("palette.dcm");
    writeDicom(file, {rampImage(16, 16, CV_8UC1, 1.0)}, {});
    DcmFileFormat ff;
    QVERIFY(ff.loadFile(file.string().c_str()).good());
    DcmDataset* ds = ff.getDataset();
    ds->putAndInsertString(DCM_PhotometricInterpretation, "PALETTE COLOR");
    const Uint16 descriptor[3] = {256, 0, 16};
    std::vector<Uint16> red(256), green(256, 0), blue(256);
    for (int i = 0; i < 256; ++i) {
        red[static_cast<std::size_t>(i)] = static_cast<Uint16>(i * 257);
        blue[static_cast<std::size_t>(i)] = static_cast<Uint16>((255 - i) * 257);
    }
    ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableDescriptor, descriptor, 3);
    ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableDescriptor, descriptor, 3);
    ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableDescriptor, descriptor, 3);
    ds->putAndInsertUint16Array(DCM_RedPaletteColorLookupTableData, red.data(), 256);
    ds->putAndInsertUint16Array(DCM_GreenPaletteColorLookupTableData, green.data(), 256);
    ds->putAndInsertUint16Array(DCM_BluePaletteColorLookupTableData, blue.data(), 256);
    QVERIFY(ff.saveFile(file.string().c_str(), EXS_LittleEndianExplicit).good());

    const Slice slice = loadSlice(file);
    QCOMPARE(slice.pixels.type(), CV_32FC3);
    const cv::Vec3f v = slice.pixels.at<cv::Vec3f>(3, 5); // index 53
    QCOMPARE(v[0], 53.0f);
    QCOMPARE(v[1], 0.0f);
    QCOMPARE(v[2], 202.0f);
}

void DicomReaderTest::multiFrameDefaultsToTheMiddle()
{
    const fs::path file = path("multiframe.dcm");
    std::vector<cv::Mat> frames;
    for (int f = 0; f < 5; ++f)
        frames.push_back(rampImage(4, 4, CV_16UC1, 1.0, f * 1000));
    DicomWriteOptions options;
    options.encoding = DicomEncoding::RleLossless;
    writeDicom(file, frames, options);
    const Slice middle = loadSlice(file);
    QCOMPARE(middle.info.frames, 5);
    QCOMPARE(middle.info.frame, 2);
    QCOMPARE(middle.pixels.at<float>(0, 0), 2000.0f);
    const Slice last = loadSlice(file, 4);
    QCOMPARE(last.pixels.at<float>(3, 3), 4015.0f);
    try {
        loadSlice(file, 5);
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QVERIFY(QString(e.what()).contains("has 5"));
    }
}

void DicomReaderTest::brokenFilesNameTheProblem()
{
    // Truncated: the pixel data stops half way.
    const fs::path good = path("whole.dcm");
    writeDicom(good, {rampImage(64, 64, CV_16UC1, 3)}, {});
    std::ifstream in(good, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const fs::path truncated = path("truncated.dcm");
    writeBytes(truncated, bytes.substr(0, bytes.size() - 4000));
    // True when reading `file` fails with `kind` and a message naming the file and `words`.
    const auto refusedWith = [](const fs::path& file, ErrorKind kind, const QString& words) {
        try {
            loadSlice(file);
            qWarning("%s: read without an error", file.c_str());
        } catch (const NeuroDxError& e) {
            const QString what = QString::fromUtf8(e.what());
            if (e.kind() == kind && what.contains(QString::fromStdString(file.filename().string())) && what.contains(words, Qt::CaseInsensitive))
                return true;
            qWarning("refused with kind %d: %s", int(e.kind()), e.what());
        }
        return false;
    };
    QVERIFY(refusedWith(truncated, ErrorKind::CorruptFile, ""));

    const fs::path report = path("report.dcm");
    writeBytes(report, dicomWithoutPixelData("SR"));
    QVERIFY(refusedWith(report, ErrorKind::UnsupportedFormat, "no pixel data"));

    const fs::path garbage = path("garbage.dcm");
    writeBytes(garbage, std::string(128, '\0') + "DICM" + std::string(50, '\xff'));
    QVERIFY(refusedWith(garbage, ErrorKind::CorruptFile, ""));
}

void DicomReaderTest::refusesAbsurdDimensionsBeforeDecoding()
{
    const fs::path file = path("huge.dcm");
    writeDicom(file, {rampImage(4, 4, CV_16UC1)}, {});
    DcmFileFormat ff;
    QVERIFY(ff.loadFile(file.string().c_str()).good());
    ff.getDataset()->putAndInsertUint16(DCM_Rows, 60000);
    ff.getDataset()->putAndInsertUint16(DCM_Columns, 60000);
    QVERIFY(ff.saveFile(file.string().c_str(), EXS_LittleEndianExplicit).good());
    try {
        readDicomSlice(file);
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::CorruptFile);
        QVERIFY2(QString(e.what()).contains("absurd"), e.what());
        QVERIFY(QString(e.what()).contains("huge.dcm"));
    }
}


void DicomReaderTest::dualPersonalityTiffPreambleIsReadAsDicom()
{
    const cv::Mat stored = rampImage(12, 10, CV_16UC1, 7.0, 3.0);
    writeDicom(path("dual.dcm"), {stored}, {});
    std::fstream file(path("dual.dcm"), std::ios::in | std::ios::out | std::ios::binary);
    file.write("MM\0*\0\0\0\x08", 8); // a big-endian TIFF header in the preamble
    file.close();
    const Slice slice = loadSlice(path("dual.dcm"));
    QCOMPARE(slice.info.format, ImageFormat::Dicom);
    QCOMPARE(slice.pixels.at<float>(9, 11), static_cast<float>(stored.at<std::uint16_t>(9, 11)));
}

void DicomReaderTest::identifyingAttributesAreOneList_data()
{
    QTest::addColumn<QString>("keyword");
    QTest::addColumn<bool>("identifying");
    QTest::newRow("PatientName") << "PatientName" << true;
    QTest::newRow("PatientID") << "PatientID" << true;
    QTest::newRow("PatientBirthDate") << "PatientBirthDate" << true;
    QTest::newRow("StudyDate: dates identify (basic profile)") << "StudyDate" << true;
    QTest::newRow("InstitutionName") << "InstitutionName" << true;
    QTest::newRow("SeriesDescription") << "SeriesDescription" << false;
    QTest::newRow("Modality") << "Modality" << false;
    QTest::newRow("Rows") << "Rows" << false;
    QTest::newRow("unknown keyword") << "NoSuchAttribute" << false;
}

// The keyword lookup the viewer's corners use and the flag the tag tree and reports use agree.
void DicomReaderTest::identifyingAttributesAreOneList()
{
    QFETCH(QString, keyword);
    QFETCH(bool, identifying);
    QCOMPARE(isIdentifyingAttribute(keyword.toStdString()), identifying);
    DicomWriteOptions options;
    options.patientName = "Doe^Jane";
    options.patientId = "PID-4711";
    options.seriesDescription = "T1 AXIAL";
    const fs::path file = path("identifying.dcm");
    writeDicom(file, {rampImage(8, 8, CV_16UC1, 1.0)}, options);
    int leaves = 0;
    for (const DicomTagNode& node : readDicomTags(file)) {
        if (!node.children.empty())
            continue;
        ++leaves;
        QVERIFY2(node.identifying == isIdentifyingAttribute(node.name), node.name.c_str());
    }
    QVERIFY(leaves > 10);
}

QTEST_APPLESS_MAIN(DicomReaderTest)
#include "tst_dicomreader.moc"
