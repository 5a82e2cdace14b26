// The volume writers checked by other toolkits: NIfTI files read by nibabel, DICOM series read back
// with DCMTK and converted by dcm2niix. What they write is what the volume readers' tests read, so
// the writers must be right on their own.
#include "DicomInspection.h"
#include "ExternalTools.h"
#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomOutput.h"
#include "synthetic/PhantomVolume.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/NiftiWriter.h"

#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <regex>
#include <set>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

// An oblique sagittal phantom stored in an odd axis order, so every part of the affine matters.
Volume testVolume(const std::string& codes = "PIR", double oblique = 12.0, PhantomPlane plane = PhantomPlane::Sagittal)
{
    const VolumeGeometry grid = reorderedGrid(phantomHeadGrid(24, 20, plane, oblique), codes);
    Volume v = renderPhantomVolume(drawPhantomSubject(42, 1, 0.5, 0.5), grid, 3);
    v.source.seriesDescription = "writer test";
    return v;
}

std::string fileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void compareVec(const std::vector<double>& actual, const std::vector<double>& expected, double tolerance)
{
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t n = 0; n < actual.size(); ++n)
        QVERIFY2(std::abs(actual[n] - expected[n]) <= tolerance,
                 qPrintable(QString("component %1: %2 vs %3").arg(n).arg(actual[n]).arg(expected[n])));
}

// Patient position of the volume's centre.
Vec3 centreOf(const VolumeGeometry& g) { return g.toPatient((g.size[0] - 1) / 2.0, (g.size[1] - 1) / 2.0, (g.size[2] - 1) / 2.0); }

} // namespace

class ScanWritersTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void niftiReadByNibabel_data();
    void niftiReadByNibabel();
    void niftiRejectsBadInput();
    void dicomSeriesGeometry_data();
    void dicomSeriesGeometry();
    void dicomSeriesRealism();
    void enhancedMultiFrame();
    void siemensMosaic();
    void dcm2niixConverts_data();
    void dcm2niixConverts();
    void sameInputSameBytes();

private:
    fs::path path(const std::string& name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
    Tools m_tools;
};

void ScanWritersTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_tools = findTools();
    ensureDcmtkReady();
}

void ScanWritersTest::niftiReadByNibabel_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("version");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("transforms");
    QTest::addColumn<int>("frames");
    QTest::addColumn<double>("slope"); // 0: chosen by the writer
    const int both = int(NiftiTransforms::SformAndQform), sform = int(NiftiTransforms::SformOnly), qform = int(NiftiTransforms::QformOnly),
              none = int(NiftiTransforms::None);
    const int n1 = int(NiftiVersion::Nifti1), n2 = int(NiftiVersion::Nifti2);
    QTest::newRow("nifti-1 float32 both") << "a.nii" << n1 << int(NiftiDataType::Float32) << both << 1 << 0.0;
    QTest::newRow("nifti-1 int16 sform gz") << "b.nii.gz" << n1 << int(NiftiDataType::Int16) << sform << 1 << 0.0;
    QTest::newRow("nifti-1 uint8 qform") << "c.nii" << n1 << int(NiftiDataType::UInt8) << qform << 1 << 0.0;
    QTest::newRow("nifti-1 uint16 none") << "d.nii" << n1 << int(NiftiDataType::UInt16) << none << 1 << 0.0;
    QTest::newRow("nifti-1 int32 given slope") << "e.nii.gz" << n1 << int(NiftiDataType::Int32) << both << 1 << 1e-5;
    QTest::newRow("nifti-2 float64 both") << "f.nii" << n2 << int(NiftiDataType::Float64) << both << 1 << 0.0;
    QTest::newRow("nifti-2 int16 qform gz") << "g.nii.gz" << n2 << int(NiftiDataType::Int16) << qform << 1 << 0.0;
    QTest::newRow("nifti-2 uint16 sform") << "h.nii" << n2 << int(NiftiDataType::UInt16) << sform << 1 << 0.0;
    QTest::newRow("nifti-1 4D float32") << "i.nii.gz" << n1 << int(NiftiDataType::Float32) << both << 3 << 0.0;
    QTest::newRow("nifti-2 4D int16") << "j.nii" << n2 << int(NiftiDataType::Int16) << sform << 2 << 0.0;
}

void ScanWritersTest::niftiReadByNibabel()
{
    if (m_tools.python.isEmpty())
        QSKIP("python3 with nibabel is missing: install python3-nibabel (scripts/bootstrap.sh)");
    QFETCH(QString, name);
    QFETCH(int, version);
    QFETCH(int, type);
    QFETCH(int, transforms);
    QFETCH(int, frames);
    QFETCH(double, slope);
    const int n1 = int(NiftiVersion::Nifti1);
    std::vector<Volume> volumes;
    for (int f = 0; f < frames; ++f) {
        volumes.push_back(testVolume());
        for (float& v : volumes.back().voxels)
            v = v * (1.0f + 0.5f * float(f)) * 300.0f - 20.0f; // negative values too; frames differ
    }
    NiftiWriteOptions options;
    options.version = NiftiVersion(version);
    options.dataType = NiftiDataType(type);
    options.transforms = NiftiTransforms(transforms);
    if (slope > 0)
        options.sclSlope = slope;
    const fs::path file = path(name.toStdString());
    writeNifti(file, volumes, options);
    for (const auto& entry : fs::directory_iterator(file.parent_path()))
        QVERIFY2(entry.path().filename().string()[0] != '.', "a temporary file was left behind");

    const fs::path raw = path(name.toStdString() + ".raw");
    const QJsonObject info = runNibabel(m_tools, file, raw);
    QVERIFY2(!info.contains("error"), qPrintable(info["error"].toString()));
    const VolumeGeometry& g = volumes.front().geometry;
    QJsonArray expectedShape{g.size[0], g.size[1], g.size[2]};
    if (frames > 1)
        expectedShape.append(frames);
    QCOMPARE(info["shape"].toArray(), expectedShape);
    QCOMPARE(info["sizeof_hdr"].toInt(), version == n1 ? 348 : 540);
    QCOMPARE(info["class"].toString(), QString(version == n1 ? "Nifti1Image" : "Nifti2Image"));
    const bool hasSform = transforms == int(NiftiTransforms::SformAndQform) || transforms == int(NiftiTransforms::SformOnly);
    const bool hasQform = transforms == int(NiftiTransforms::SformAndQform) || transforms == int(NiftiTransforms::QformOnly);
    QCOMPARE(info["sform_code"].toInt(), hasSform ? 2 : 0);
    QCOMPARE(info["qform_code"].toInt(), hasQform ? 1 : 0);
    compareVec(jsonNumbers(info["zooms"]), {g.spacing[0], g.spacing[1], g.spacing[2]}, 1e-4);
    if (hasSform || hasQform) {
        const auto affine = rasAffine(g);
        std::vector<double> expected;
        for (const auto& row : affine)
            expected.insert(expected.end(), row.begin(), row.end());
        compareVec(jsonNumbers(info["affine"]), expected, 2e-3); // float32 storage in NIfTI-1
    }
    // Values: exact for floats, within half a scaling step for integers.
    const std::vector<double> read = readDoubles(raw);
    std::size_t n = 0;
    const double step = info["scl_slope"].toDouble();
    const bool isFloat = NiftiDataType(type) == NiftiDataType::Float32 || NiftiDataType(type) == NiftiDataType::Float64;
    if (slope > 0)
        QCOMPARE(float(step), float(slope));
    QCOMPARE(read.size(), g.voxelCount() * std::size_t(frames));
    for (const Volume& frame : volumes)
        for (const float v : frame.voxels) {
            const double tolerance = isFloat ? 1e-4 : step / 2 + 1e-6 * std::abs(v);
            if (std::abs(read[n] - v) > tolerance)
                QFAIL(qPrintable(QString("voxel %1: %2 written, %3 read").arg(n).arg(v).arg(read[n])));
            ++n;
        }
}

void ScanWritersTest::niftiRejectsBadInput()
{
    const Volume v = testVolume();
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeNifti(path("x.img"), v));
    Volume small = v;
    small.geometry.size[2] -= 1;
    small.voxels.resize(small.geometry.voxelCount());
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeNifti(path("x.nii"), std::vector<Volume>{v, small}));
    NiftiWriteOptions zero;
    zero.dataType = NiftiDataType::Int16;
    zero.sclSlope = 0.0;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeNifti(path("x.nii"), v, zero));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeNifti(path("missing-folder/x.nii"), v));
}

void ScanWritersTest::dicomSeriesGeometry_data()
{
    QTest::addColumn<QString>("codes");
    QTest::addColumn<double>("oblique");
    QTest::addColumn<int>("plane");
    QTest::addColumn<int>("encoding");
    QTest::addColumn<bool>("signedPixels");
    QTest::addColumn<bool>("integers");
    const int axial = int(PhantomPlane::Axial), sagittal = int(PhantomPlane::Sagittal);
    QTest::newRow("axial LPS explicit") << "LPS" << 0.0 << axial << int(DicomEncoding::ExplicitLittleEndian) << true << false;
    QTest::newRow("axial RAI implicit") << "RAI" << 0.0 << axial << int(DicomEncoding::ImplicitLittleEndian) << false << false;
    QTest::newRow("sagittal PIR big endian") << "PIR" << 0.0 << sagittal << int(DicomEncoding::ExplicitBigEndian) << true << true;
    QTest::newRow("oblique sagittal deflated") << "PIR" << 14.0 << sagittal << int(DicomEncoding::DeflatedExplicitLittleEndian) << false << true;
    QTest::newRow("coronal LIP jpeg-ls") << "LIP" << 0.0 << int(PhantomPlane::Coronal) << int(DicomEncoding::JpegLsLossless) << false << false;
    QTest::newRow("oblique axial jpeg lossless") << "LPS" << -10.0 << axial << int(DicomEncoding::JpegLossless) << false << true;
    QTest::newRow("sagittal ASL rle") << "ASL" << 0.0 << sagittal << int(DicomEncoding::RleLossless) << true << false;
}

void ScanWritersTest::dicomSeriesGeometry()
{
    QFETCH(QString, codes);
    QFETCH(double, oblique);
    QFETCH(int, plane);
    QFETCH(int, encoding);
    QFETCH(bool, signedPixels);
    QFETCH(bool, integers);
    Volume v = testVolume(codes.toStdString(), oblique, PhantomPlane(plane));
    if (integers)
        for (float& value : v.voxels)
            value = std::nearbyint(value * 4000.0f);
    DicomSeriesWriteOptions options;
    options.encoding = DicomEncoding(encoding);
    options.signedPixels = signedPixels;
    options.uidSeed = 77;
    const fs::path folder = path(std::string("series_") + QTest::currentDataTag());
    const WrittenDicomSeries written = writeDicomSeries(folder, v, options);
    const VolumeGeometry& g = v.geometry;
    QCOMPARE(int(written.files.size()), g.size[2]);

    std::set<std::string> sopUids, seriesUids, studyUids, frameUids;
    for (std::size_t n = 0; n < written.files.size(); ++n) {
        const int k = written.slices[n];
        DcmFileFormat file;
        QVERIFY(file.loadFile(written.files[n].string().c_str()).good());
        DcmDataset& ds = *file.getDataset();
        QCOMPARE(QString(text(ds, DCM_SOPClassUID).c_str()), QString(UID_MRImageStorage));
        sopUids.insert(text(ds, DCM_SOPInstanceUID));
        seriesUids.insert(text(ds, DCM_SeriesInstanceUID));
        studyUids.insert(text(ds, DCM_StudyInstanceUID));
        frameUids.insert(text(ds, DCM_FrameOfReferenceUID));
        const Vec3 ipp = g.toPatient(0, 0, k);
        compareVec(numbers(ds, DCM_ImagePositionPatient), {ipp[0], ipp[1], ipp[2]}, 1e-6);
        compareVec(numbers(ds, DCM_ImageOrientationPatient),
                   {g.direction[0][0], g.direction[0][1], g.direction[0][2], g.direction[1][0], g.direction[1][1], g.direction[1][2]}, 1e-9);
        compareVec(numbers(ds, DCM_PixelSpacing), {g.spacing[1], g.spacing[0]}, 1e-9);
        compareVec(numbers(ds, DCM_SliceThickness), {g.spacing[2]}, 1e-9);
        compareVec(numbers(ds, DCM_SpacingBetweenSlices), {g.spacing[2]}, 1e-9);
        QCOMPARE(text(ds, DCM_Rows), std::to_string(g.size[1]));
        QCOMPARE(text(ds, DCM_Columns), std::to_string(g.size[0]));
        QCOMPARE(text(ds, DCM_InstanceNumber), std::to_string(k + 1));
        QCOMPARE(text(ds, DCM_PixelRepresentation), std::string(signedPixels ? "1" : "0"));
        QCOMPARE(QString(file.getDataset()->getOriginalXfer() == dicom::transferSyntaxOf(DicomEncoding(encoding)) ? "same" : "other"), QString("same"));
        const std::vector<double> slope = numbers(ds, DCM_RescaleSlope), intercept = numbers(ds, DCM_RescaleIntercept);
        QCOMPARE(slope.empty(), integers); // integer data needs no rescaling
        const double s = slope.empty() ? 1.0 : slope[0];
        const std::vector<double> values = pixelValues(ds, s, intercept.empty() ? 0.0 : intercept[0]);
        QCOMPARE(int(values.size()), g.size[0] * g.size[1]);
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i)
                if (std::abs(values[std::size_t(j * g.size[0] + i)] - v.at(i, j, k)) > s / 2 + 1e-9)
                    QFAIL(qPrintable(QString("slice %1 pixel %2,%3").arg(k).arg(i).arg(j)));
    }
    QCOMPARE(int(sopUids.size()), g.size[2]);
    QCOMPARE(int(seriesUids.size()), 1);
    QCOMPARE(int(studyUids.size()), 1);
    QCOMPARE(int(frameUids.size()), 1);
    QCOMPARE(*seriesUids.begin(), written.seriesInstanceUid);
}

void ScanWritersTest::dicomSeriesRealism()
{
    const Volume v = testVolume("LPS", 0.0, PhantomPlane::Axial);
    DicomSeriesWriteOptions options;
    options.shuffleFileNames = true;
    options.randomInstanceNumbers = true;
    options.orderSeed = 5;
    options.omittedSlices = {3, 4};
    options.localizer = DicomLocalizer::OtherSeries;
    options.adniNaming = AdniFileNaming{"027_S_1003", "MPRAGE", "20060418193713", 13408, 13722};
    const WrittenDicomSeries written = writeDicomSeries(path("realism"), v, options);
    QCOMPARE(int(written.files.size()), v.nz() - 2);
    QVERIFY(std::find(written.slices.begin(), written.slices.end(), 3) == written.slices.end());
    const std::regex adni(R"(ADNI_027_S_1003_MR_MPRAGE_br_raw_20060418193713\d{3}_(\d+)_S13408_I13722\.dcm)");
    bool shuffled = false;
    std::set<int> instances;
    for (std::size_t n = 0; n < written.files.size(); ++n) {
        std::smatch match;
        const std::string name = written.files[n].filename().string();
        QVERIFY2(std::regex_match(name, match, adni), name.c_str());
        shuffled = shuffled || std::stoi(match[1]) != written.slices[n] + 1;
        DcmFileFormat file;
        QVERIFY(file.loadFile(written.files[n].string().c_str()).good());
        instances.insert(std::stoi(text(*file.getDataset(), DCM_InstanceNumber)));
        const Vec3 ipp = v.geometry.toPatient(0, 0, written.slices[n]);
        compareVec(numbers(*file.getDataset(), DCM_ImagePositionPatient), {ipp[0], ipp[1], ipp[2]}, 1e-6);
    }
    QVERIFY(shuffled);
    QCOMPARE(int(instances.size()), int(written.files.size()));
    QVERIFY(instances != std::set<int>([&] { std::set<int> s; for (int k : written.slices) s.insert(k + 1); return s; }()));

    DcmFileFormat localizer;
    QVERIFY(localizer.loadFile(written.localizer.string().c_str()).good());
    DcmDataset& ds = *localizer.getDataset();
    QVERIFY(QString(text(ds, DCM_ImageType).c_str()).contains("LOCALIZER"));
    QVERIFY(text(ds, DCM_SeriesInstanceUID) != written.seriesInstanceUid);
    const std::vector<double> iop = numbers(ds, DCM_ImageOrientationPatient);
    const Vec3 normal = cross({iop[0], iop[1], iop[2]}, {iop[3], iop[4], iop[5]});
    QVERIFY(std::abs(dot(normal, v.geometry.direction[2])) < 1e-9); // perpendicular to the slices

    DicomSeriesWriteOptions same;
    same.localizer = DicomLocalizer::SameSeries;
    const WrittenDicomSeries sameSeries = writeDicomSeries(path("same_localizer"), v, same);
    DcmFileFormat sameLocalizer;
    QVERIFY(sameLocalizer.loadFile(sameSeries.localizer.string().c_str()).good());
    QCOMPARE(text(*sameLocalizer.getDataset(), DCM_SeriesInstanceUID), sameSeries.seriesInstanceUid);
    QCOMPARE(sameSeries.localizer.filename().string(), std::string("IM") + QString::number(v.nz() + 1).rightJustified(4, '0').toStdString() + ".dcm");
}

void ScanWritersTest::enhancedMultiFrame()
{
    const Volume v = testVolume("PIR", 9.0);
    DicomSeriesWriteOptions options;
    options.layout = DicomSeriesLayout::EnhancedMultiFrame;
    options.shuffleFileNames = true; // shuffles the frame order
    options.orderSeed = 3;
    const WrittenDicomSeries written = writeDicomSeries(path("enhanced"), v, options);
    QCOMPARE(int(written.files.size()), 1);
    QCOMPARE(int(written.slices.size()), v.nz());
    DcmFileFormat file;
    QVERIFY(file.loadFile(written.files[0].string().c_str()).good());
    DcmDataset& ds = *file.getDataset();
    QCOMPARE(QString(text(ds, DCM_SOPClassUID).c_str()), QString("1.2.840.10008.5.1.4.1.1.4.1"));
    QCOMPARE(text(ds, DCM_NumberOfFrames), std::to_string(v.nz()));
    const VolumeGeometry& g = v.geometry;
    DcmItem* shared = itemOf(ds, DCM_SharedFunctionalGroupsSequence);
    QVERIFY(shared);
    compareVec(numbers(*itemOf(*shared, DCM_PlaneOrientationSequence), DCM_ImageOrientationPatient),
               {g.direction[0][0], g.direction[0][1], g.direction[0][2], g.direction[1][0], g.direction[1][1], g.direction[1][2]}, 1e-9);
    compareVec(numbers(*itemOf(*shared, DCM_PixelMeasuresSequence), DCM_PixelSpacing), {g.spacing[1], g.spacing[0]}, 1e-9);
    DcmItem* transform = itemOf(*shared, DCM_PixelValueTransformationSequence);
    QVERIFY(transform);
    const double slope = numbers(*transform, DCM_RescaleSlope).at(0), intercept = numbers(*transform, DCM_RescaleIntercept).at(0);
    const std::vector<double> values = pixelValues(ds, slope, intercept);
    const std::size_t plane = std::size_t(v.nx() * v.ny());
    bool shuffled = false;
    for (int f = 0; f < v.nz(); ++f) {
        const int k = written.slices[std::size_t(f)];
        shuffled = shuffled || k != f;
        DcmItem* frame = itemOf(ds, DCM_PerFrameFunctionalGroupsSequence, f);
        QVERIFY(frame);
        const Vec3 ipp = g.toPatient(0, 0, k);
        compareVec(numbers(*itemOf(*frame, DCM_PlanePositionSequence), DCM_ImagePositionPatient), {ipp[0], ipp[1], ipp[2]}, 1e-6);
        for (std::size_t n = 0; n < plane; n += 7)
            QVERIFY(std::abs(values[std::size_t(f) * plane + n] - v.voxels[v.offset(0, 0, k) + n]) <= slope / 2 + 1e-9);
    }
    QVERIFY(shuffled);
}

void ScanWritersTest::siemensMosaic()
{
    const Volume v = testVolume("LPS", 0.0, PhantomPlane::Axial);
    DicomSeriesWriteOptions options;
    options.layout = DicomSeriesLayout::SiemensMosaic;
    const WrittenDicomSeries written = writeDicomSeries(path("mosaic"), v, options);
    QCOMPARE(int(written.files.size()), 1);
    DcmFileFormat file;
    QVERIFY(file.loadFile(written.files[0].string().c_str()).good());
    DcmDataset& ds = *file.getDataset();
    QVERIFY(QString(text(ds, DCM_ImageType).c_str()).endsWith("\\MOSAIC"));
    QCOMPARE(text(ds, DcmTagKey(0x0019, 0x0010)), std::string("SIEMENS MR HEADER"));
    Uint16 images = 0;
    QVERIFY(ds.findAndGetUint16(DcmTagKey(0x0019, 0x100A), images).good());
    QCOMPARE(int(images), v.nz());
    const int tiles = int(std::ceil(std::sqrt(double(v.nz()))));
    QCOMPARE(text(ds, DCM_Rows), std::to_string(tiles * v.ny()));
    QCOMPARE(text(ds, DCM_Columns), std::to_string(tiles * v.nx()));
}

void ScanWritersTest::dcm2niixConverts_data()
{
    QTest::addColumn<QString>("codes");
    QTest::addColumn<double>("oblique");
    QTest::addColumn<int>("plane");
    QTest::addColumn<int>("layout");
    const int files = int(DicomSeriesLayout::SliceFiles);
    QTest::newRow("axial") << "LPS" << 0.0 << int(PhantomPlane::Axial) << files;
    QTest::newRow("axial flipped RAI") << "RAI" << 0.0 << int(PhantomPlane::Axial) << files;
    QTest::newRow("sagittal") << "PIR" << 0.0 << int(PhantomPlane::Sagittal) << files;
    QTest::newRow("sagittal oblique") << "PIR" << 13.0 << int(PhantomPlane::Sagittal) << files;
    QTest::newRow("coronal") << "LIP" << 0.0 << int(PhantomPlane::Coronal) << files;
    QTest::newRow("enhanced multi-frame") << "PIR" << 8.0 << int(PhantomPlane::Sagittal) << int(DicomSeriesLayout::EnhancedMultiFrame);
}

void ScanWritersTest::dcm2niixConverts()
{
    if (m_tools.dcm2niix.isEmpty())
        QSKIP("dcm2niix is missing: install dcm2niix (scripts/bootstrap.sh)");
    if (m_tools.python.isEmpty())
        QSKIP("python3 with nibabel is missing: install python3-nibabel (scripts/bootstrap.sh)");
    QFETCH(QString, codes);
    QFETCH(double, oblique);
    QFETCH(int, plane);
    QFETCH(int, layout);
    const Volume v = testVolume(codes.toStdString(), oblique, PhantomPlane(plane));
    DicomSeriesWriteOptions options;
    options.layout = DicomSeriesLayout(layout);
    options.shuffleFileNames = true;
    const std::string tag = QString(QTest::currentDataTag()).replace(' ', '_').toStdString();
    const fs::path series = path("dcm2niix_in_" + tag), out = path("dcm2niix_out_" + tag);
    writeDicomSeries(series, v, options);
    fs::create_directories(out);
    const ToolRun run = runTool(m_tools.dcm2niix, {"-z", "n", "-b", "n", "-f", "converted", "-o", QString::fromStdString(out.string()),
                                                   QString::fromStdString(series.string())});
    QVERIFY2(run.ok && !run.output.contains("Error", Qt::CaseInsensitive), qPrintable(run.output));
    std::vector<fs::path> converted;
    for (const auto& entry : fs::directory_iterator(out))
        if (entry.path().extension() == ".nii")
            converted.push_back(entry.path());
    QCOMPARE(int(converted.size()), 1);

    const fs::path raw = out / "data.raw";
    const QJsonObject info = runNibabel(m_tools, converted[0], raw);
    QVERIFY2(!info.contains("error"), qPrintable(info["error"].toString()));
    const VolumeGeometry& g = v.geometry;
    // dcm2niix may reorder and flip axes (its conventions): compare what must not change.
    std::vector<double> zooms = jsonNumbers(info["zooms"]), spacing{g.spacing[0], g.spacing[1], g.spacing[2]};
    std::sort(zooms.begin(), zooms.end());
    std::sort(spacing.begin(), spacing.end());
    compareVec(zooms, spacing, 1e-3);
    const std::vector<double> a = jsonNumbers(info["affine"]);
    const std::vector<double> shape = jsonNumbers(info["shape"]);
    QCOMPARE(int(shape.size()), 3);
    const auto toLps = [&](double i, double j, double k) {
        return Vec3{-(a[0] * i + a[1] * j + a[2] * k + a[3]), -(a[4] * i + a[5] * j + a[6] * k + a[7]), a[8] * i + a[9] * j + a[10] * k + a[11]};
    };
    const Vec3 centre = toLps((shape[0] - 1) / 2, (shape[1] - 1) / 2, (shape[2] - 1) / 2), expected = centreOf(g);
    QVERIFY2(norm({centre[0] - expected[0], centre[1] - expected[1], centre[2] - expected[2]}) < 1.0,
             qPrintable(QString("centre %1 %2 %3").arg(centre[0]).arg(centre[1]).arg(centre[2])));
    // Every converted voxel lands on one of ours, with our value.
    const std::vector<double> data = readDoubles(raw);
    QCOMPARE(data.size(), g.voxelCount());
    const double tolerance = info["scl_slope"].toDouble() / 2 + 1e-6;
    for (std::size_t n = 0; n < data.size(); n += 5) {
        const double i = double(n % std::size_t(shape[0])), j = double(n / std::size_t(shape[0]) % std::size_t(shape[1])),
                     k = double(n / std::size_t(shape[0] * shape[1]));
        const Vec3 index = g.toIndex(toLps(i, j, k));
        const int oi = int(std::lround(index[0])), oj = int(std::lround(index[1])), ok = int(std::lround(index[2]));
        QVERIFY2(std::abs(index[0] - oi) < 0.01 && std::abs(index[1] - oj) < 0.01 && std::abs(index[2] - ok) < 0.01,
                 qPrintable(QString("converted voxel %1 is between ours").arg(n)));
        QVERIFY(std::abs(data[n] - v.at(oi, oj, ok)) <= tolerance);
    }
}

void ScanWritersTest::sameInputSameBytes()
{
    const Volume v = testVolume();
    DicomSeriesWriteOptions options;
    options.encoding = DicomEncoding::JpegLsLossless;
    options.localizer = DicomLocalizer::OtherSeries;
    const WrittenDicomSeries a = writeDicomSeries(path("bytes_a"), v, options);
    const WrittenDicomSeries b = writeDicomSeries(path("bytes_b"), v, options);
    QCOMPARE(a.files.size(), b.files.size());
    for (std::size_t n = 0; n < a.files.size(); ++n)
        QVERIFY(fileBytes(a.files[n]) == fileBytes(b.files[n]));
    QVERIFY(fileBytes(a.localizer) == fileBytes(b.localizer));
    writeNifti(path("bytes_a.nii.gz"), v);
    writeNifti(path("bytes_b.nii.gz"), v);
    QVERIFY(fileBytes(path("bytes_a.nii.gz")) == fileBytes(path("bytes_b.nii.gz")));
}

QTEST_APPLESS_MAIN(ScanWritersTest)
#include "tst_scanwriters.moc"
