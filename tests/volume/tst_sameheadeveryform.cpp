// One synthetic head, "acquired" and stored in every form a scanner or converter produces: DICOM
// series in each plane with shuffled names and instance numbers, a gap, a localizer, multi-frame,
// compressed; NIfTI in radiological and neurological storage, sform or qform only, gzipped,
// NIfTI-2; oblique acquisitions. Read back, every form must give the same canonical voxels and
// therefore the same axial slices (exactly where no interpolation is involved). dcm2niix's
// conversion of a series must read as the series itself.
#include "common/NeuroDxError.h"
#include "synthetic/PhantomVolume.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/NiftiReader.h"
#include "volume/NiftiWriter.h"
#include "volume/Reorientation.h"
#include "volume/ScanFinder.h"
#include "volume/VolumeSlicing.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace neurodx;
namespace fs = std::filesystem;

namespace {

constexpr int kSide = 40;
constexpr int kSlices = 36;

struct Form {
    QString name;
    QString kind;      // "dicom" or "nifti"
    int plane = 0;     // PhantomPlane
    QString axes;      // stored axis codes ("" = the plane's own)
    double oblique = 0;
};

struct Difference {
    double maximum = 0;
    double mean = 0;
    std::size_t compared = 0;
};

// `read` resampled onto the reference grid where needed, compared voxel by voxel inside both.
Difference compare(const Volume& reference, const Volume& read)
{
    const bool sameGrid = read.geometry.size == reference.geometry.size;
    const Volume onGrid = sameGrid ? read : resampleOnto(read, reference.geometry, -1.0f);
    Difference d;
    double sum = 0;
    for (std::size_t v = 0; v < reference.voxels.size(); ++v) {
        if (onGrid.voxels[v] == -1.0f)
            continue;
        const double e = std::abs(static_cast<double>(onGrid.voxels[v]) - reference.voxels[v]);
        d.maximum = std::max(d.maximum, e);
        sum += e;
        ++d.compared;
    }
    d.mean = d.compared ? sum / static_cast<double>(d.compared) : 1.0;
    return d;
}

} // namespace

Q_DECLARE_METATYPE(Form)

class SameHeadEveryFormTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void everyFormGivesTheSameVoxels_data();
    void everyFormGivesTheSameVoxels();
    void axialSlicesAgree();
    void smallObliquityIsKeptAndSaidSo();
    void dcm2niixReadsAsTheSeries();

private:
    fs::path write(const Form& form);
    fs::path dir() const { return fs::path(m_dir.path().toStdString()); }
    QTemporaryDir m_dir;
    PhantomSubject m_subject;
    Volume m_reference; // canonical
};

void SameHeadEveryFormTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_subject = drawPhantomSubject(42, 3, 0.5, 0.5);
    PhantomVolumeOptions options;
    options.noise = false; // oblique grids sample other points; noise would differ there
    m_reference = renderPhantomVolume(m_subject, phantomHeadGrid(kSide, kSlices, PhantomPlane::Axial), 7, options);
    QCOMPARE(m_reference.geometry.axisCodes(), std::string("LPS"));
}

fs::path SameHeadEveryFormTest::write(const Form& form)
{
    PhantomVolumeOptions options;
    options.noise = false;
    const auto plane = static_cast<PhantomPlane>(form.plane);
    VolumeGeometry grid = plane == PhantomPlane::Axial ? phantomHeadGrid(kSide, kSlices, plane, form.oblique)
                                                       : phantomHeadGrid(kSide, kSide, plane, form.oblique);
    if (plane != PhantomPlane::Axial && form.oblique == 0) // the reference's own voxel centres, stored in the plane's order
        grid = reorderedGrid(m_reference.geometry, plane == PhantomPlane::Sagittal ? "PIR" : "LIP");
    if (!form.axes.isEmpty())
        grid = reorderedGrid(m_reference.geometry, form.axes.toStdString());
    const Volume volume = renderPhantomVolume(m_subject, grid, 7, options);
    const fs::path target = dir() / form.name.toStdString();
    if (form.kind == "dicom") {
        DicomSeriesWriteOptions dicom;
        dicom.shuffleFileNames = true;
        dicom.randomInstanceNumbers = true;
        dicom.orderSeed = 11;
        dicom.rescaleSlope = 1.0 / 16000.0; // 1/32000 steps keep the error far below the checks' limits
        dicom.rescaleIntercept = 0.0;
        if (form.name.contains("gap"))
            dicom.omittedSlices = {kSide / 2};
        if (form.name.contains("localizer"))
            dicom.localizer = DicomLocalizer::SameSeries;
        if (form.name.contains("multiframe"))
            dicom.layout = DicomSeriesLayout::EnhancedMultiFrame;
        if (form.name.contains("jpegls"))
            dicom.encoding = DicomEncoding::JpegLsLossless;
        writeDicomSeries(target, volume, dicom);
        return target;
    }
    NiftiWriteOptions nifti;
    nifti.dataType = NiftiDataType::Float32;
    if (form.name.contains("sform"))
        nifti.transforms = NiftiTransforms::SformOnly;
    if (form.name.contains("qform"))
        nifti.transforms = NiftiTransforms::QformOnly;
    if (form.name.contains("nifti2"))
        nifti.version = NiftiVersion::Nifti2;
    const fs::path file = target.string() + (form.name.contains("gz") ? ".nii.gz" : ".nii");
    writeNifti(file, volume, nifti);
    return file;
}

void SameHeadEveryFormTest::everyFormGivesTheSameVoxels_data()
{
    QTest::addColumn<Form>("form");
    QTest::addColumn<double>("maxError");  // largest voxel difference allowed (values span 0..1)
    QTest::addColumn<double>("meanError");
    const int axial = int(PhantomPlane::Axial), sagittal = int(PhantomPlane::Sagittal), coronal = int(PhantomPlane::Coronal);
    // Exact forms: only the DICOM writer's 1/16000 quantisation separates them from the reference.
    QTest::newRow("DICOM axial, shuffled") << Form{"dicom_axial", "dicom", axial, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("DICOM sagittal (ADNI)") << Form{"dicom_sagittal", "dicom", sagittal, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("DICOM coronal") << Form{"dicom_coronal", "dicom", coronal, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("DICOM sagittal, localizer in series") << Form{"dicom_localizer", "dicom", sagittal, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("DICOM enhanced multi-frame") << Form{"dicom_multiframe", "dicom", sagittal, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("DICOM JPEG-LS") << Form{"dicom_jpegls", "dicom", axial, {}, 0} << 1e-4 << 1e-4;
    QTest::newRow("NIfTI RAS (neurological)") << Form{"nifti_ras", "nifti", axial, "RAS", 0} << 0.0 << 0.0;
    QTest::newRow("NIfTI LAS (radiological)") << Form{"nifti_las", "nifti", axial, "LAS", 0} << 0.0 << 0.0;
    QTest::newRow("NIfTI sform only") << Form{"nifti_sform_ras", "nifti", axial, "RAS", 0} << 0.0 << 0.0;
    QTest::newRow("NIfTI qform only") << Form{"nifti_qform_pir", "nifti", axial, "PIR", 0} << 0.0 << 0.0;
    QTest::newRow("NIfTI gzipped") << Form{"nifti_gz_asl", "nifti", axial, "ASL", 0} << 0.0 << 0.0;
    QTest::newRow("NIfTI-2") << Form{"nifti2_lip", "nifti", axial, "LIP", 0} << 0.0 << 0.0;
    // One missing sagittal slice, filled by linear interpolation of its neighbours: only that
    // slice differs, so the mean stays small.
    QTest::newRow("DICOM sagittal with a gap") << Form{"dicom_gap", "dicom", sagittal, {}, 0} << 1.0 << 0.01;
    // Oblique acquisitions beyond the tolerance are resampled twice here (onto patient axes by the
    // reader, onto the reference grid by the test): trilinear interpolation of tissue edges at
    // 7 mm voxels. Measured: mean 0.013-0.015, the largest error at a tissue edge 0.55.
    QTest::newRow("DICOM sagittal, 20 degrees oblique") << Form{"dicom_oblique20", "dicom", sagittal, {}, 20} << 1.0 << 0.04;
    QTest::newRow("NIfTI axial, 30 degrees oblique") << Form{"nifti_oblique30", "nifti", axial, {}, 30} << 1.0 << 0.04;
}

void SameHeadEveryFormTest::everyFormGivesTheSameVoxels()
{
    QFETCH(Form, form);
    QFETCH(double, maxError);
    QFETCH(double, meanError);
    const fs::path path = write(form);
    // A DICOM form opens from any one of its files as well as from its folder.
    const fs::path opened = form.kind == "dicom" && form.name.contains("sagittal") ? *fs::directory_iterator(path) : path;
    const Volume read = openScan(opened.empty() ? path : opened);
    QCOMPARE(read.geometry.axisCodes(), std::string("LPS"));
    if (form.oblique == 0) {
        QCOMPARE(read.geometry.size, m_reference.geometry.size);
        for (std::size_t c = 0; c < 3; ++c) {
            QVERIFY(std::abs(read.geometry.origin[c] - m_reference.geometry.origin[c]) < 1e-3);
            QVERIFY(std::abs(read.geometry.spacing[c] - m_reference.geometry.spacing[c]) < 1e-4);
        }
    }
    const Difference d = compare(m_reference, read);
    qInfo("%s: max %.5f, mean %.5f over %zu voxels", qPrintable(form.name), d.maximum, d.mean, d.compared);
    QVERIFY(d.compared > m_reference.voxels.size() / 2);
    QVERIFY2(d.maximum <= maxError + 1e-7, qPrintable(QString("max %1").arg(d.maximum)));
    QVERIFY2(d.mean <= meanError + 1e-7, qPrintable(QString("mean %1").arg(d.mean)));
    QString warnings;
    for (const std::string& w : read.source.warnings)
        warnings += QString::fromStdString(w) + "\n";
    if (form.name.contains("gap"))
        QVERIFY2(warnings.contains("1 slice(s) missing"), qPrintable(warnings));
    if (form.name.contains("localizer"))
        QVERIFY2(warnings.contains("localizer"), qPrintable(warnings));
    if (form.oblique > 0)
        QVERIFY2(warnings.contains("resampled"), qPrintable(warnings));
}

void SameHeadEveryFormTest::axialSlicesAgree()
{
    // The user-visible consequence: axial slice k of the sagittal series is axial slice k of the head.
    const Volume sagittal = openScan(write(Form{"slices_sagittal", "dicom", int(PhantomPlane::Sagittal), {}, 0}));
    const Volume nifti = openScan(write(Form{"slices_las", "nifti", int(PhantomPlane::Axial), "LAS", 0}));
    QCOMPARE(sliceCount(sagittal, SlicePlane::Axial), kSlices);
    for (const int k : {5, kSlices / 2, kSlices - 6}) {
        const Slice expected = volumeSlice(m_reference, SlicePlane::Axial, k);
        for (const Volume* read : {&sagittal, &nifti}) {
            const Slice got = volumeSlice(*read, SlicePlane::Axial, k);
            QCOMPARE(got.pixels.size(), expected.pixels.size());
            for (int r = 0; r < got.pixels.rows; ++r)
                for (int c = 0; c < got.pixels.cols; ++c)
                    QVERIFY(std::abs(got.pixels.at<float>(r, c) - expected.pixels.at<float>(r, c)) < 1e-4f);
        }
        QCOMPARE(slicePositionText(sagittal, SlicePlane::Axial, k), slicePositionText(m_reference, SlicePlane::Axial, k));
    }
}

void SameHeadEveryFormTest::smallObliquityIsKeptAndSaidSo()
{
    const Volume read = openScan(write(Form{"dicom_oblique3", "dicom", int(PhantomPlane::Sagittal), {}, 3}));
    QCOMPARE(read.geometry.axisCodes(), std::string("LPS"));
    QVERIFY(read.geometry.obliquityDegrees() > 2.9 && read.geometry.obliquityDegrees() < 3.1);
    QCOMPARE(read.source.sliceAxis, 0); // the sagittal files are still the slices: no resampling
    QVERIFY(QString::fromStdString(read.source.warnings.back()).contains("without interpolation"));
}

void SameHeadEveryFormTest::dcm2niixReadsAsTheSeries()
{
    const QString dcm2niix = QStandardPaths::findExecutable("dcm2niix");
    if (dcm2niix.isEmpty())
        QSKIP("dcm2niix is missing: run scripts/bootstrap.sh");
    for (const int plane : {int(PhantomPlane::Sagittal), int(PhantomPlane::Axial)}) {
        const QString name = QString("dcm2niix_source_%1").arg(plane);
        const fs::path series = write(Form{name, "dicom", plane, {}, 0});
        const fs::path out = dir() / ("dcm2niix_out_" + std::to_string(plane));
        fs::create_directories(out);
        QProcess process;
        process.start(dcm2niix, {"-z", "n", "-f", "converted", "-o", QString::fromStdString(out.string()), QString::fromStdString(series.string())});
        QVERIFY(process.waitForFinished(60000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        const Volume fromSeries = openScan(series);
        const Volume fromNifti = toCanonical(readNifti(out / "converted.nii"));
        QCOMPARE(fromNifti.geometry.size, fromSeries.geometry.size);
        for (std::size_t c = 0; c < 3; ++c) {
            QVERIFY(std::abs(fromNifti.geometry.origin[c] - fromSeries.geometry.origin[c]) < 1e-2);
            QVERIFY(std::abs(fromNifti.geometry.spacing[c] - fromSeries.geometry.spacing[c]) < 1e-4);
            for (std::size_t k = 0; k < 3; ++k)
                QVERIFY(std::abs(fromNifti.geometry.direction[c][k] - fromSeries.geometry.direction[c][k]) < 1e-4);
        }
        const Difference d = compare(fromSeries, fromNifti);
        QVERIFY2(d.maximum < 1e-4, qPrintable(QString("dcm2niix differs by %1").arg(d.maximum)));
    }
}

QTEST_GUILESS_MAIN(SameHeadEveryFormTest)
#include "tst_sameheadeveryform.moc"
