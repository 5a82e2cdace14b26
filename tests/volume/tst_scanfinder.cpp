// What a folder holds, file by file: scans (usable or refused with a reason), 2D images, and the
// rest with a reason; and what openScan makes of a folder, a series file, a NIfTI file or a slice.
#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "synthetic/PhantomVolume.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/NiftiWriter.h"
#include "volume/ScanFinder.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class ScanFinderTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void sortsAFolderIntoScansImagesAndTheRest();
    void opensWhatAUserPointsAt_data();
    void opensWhatAUserPointsAt();
    void refusesWhatIsNoScan_data();
    void refusesWhatIsNoScan();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    QTemporaryDir m_dir;
};

void ScanFinderTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    PhantomVolumeOptions options;
    options.noise = false;
    const PhantomSubject subject = drawPhantomSubject(1, 0, 0.0, 0.3);
    const Volume sagittal = renderPhantomVolume(subject, phantomHeadGrid(24, 20, PhantomPlane::Sagittal), 1, options);
    const Volume axial = renderPhantomVolume(subject, phantomHeadGrid(24, 12, PhantomPlane::Axial), 1, options);

    // "mixed": a sagittal series with its localizer in a series of its own, a smaller axial series,
    // a mosaic, a NIfTI, a PNG slice and things that are none of these.
    DicomSeriesWriteOptions series;
    series.localizer = DicomLocalizer::OtherSeries;
    series.uidSeed = 1;
    writeDicomSeries(dir() / "mixed" / "sag", sagittal, series);
    DicomSeriesWriteOptions small;
    small.uidSeed = 2;
    writeDicomSeries(dir() / "mixed" / "ax", axial, small);
    DicomSeriesWriteOptions mosaic;
    mosaic.layout = DicomSeriesLayout::SiemensMosaic;
    mosaic.uidSeed = 3;
    writeDicomSeries(dir() / "mixed" / "fmri", axial, mosaic);
    writeNifti(dir() / "mixed" / "t1.nii.gz", axial);
    writePng(dir() / "mixed" / "slice.png");
    writeBytes(dir() / "mixed" / "notes.txt", "not an image");
    writeBytes(dir() / "mixed" / ".DS_Store", "junk");

    writeSmallDicom(dir() / "single" / "slice.dcm");
    writeDicomSeries(dir() / "seriesonly", sagittal, series);
}

void ScanFinderTest::sortsAFolderIntoScansImagesAndTheRest()
{
    const ScanSearch search = findScans(dir() / "mixed");
    QCOMPARE(search.scans.size(), std::size_t{4}); // sagittal, axial, mosaic, NIfTI
    int usable = 0;
    bool mosaicRefused = false;
    for (const ScanSource& scan : search.scans) {
        usable += scan.isUsable();
        mosaicRefused = mosaicRefused || QString::fromStdString(scan.error).contains("mosaic");
    }
    QCOMPARE(usable, 3);
    QVERIFY(mosaicRefused);
    QCOMPARE(search.images.size(), std::size_t{2}); // the PNG and the lone localizer
    QCOMPARE(search.skipped.size(), std::size_t{2}); // notes.txt and .DS_Store, each with a reason
    for (const auto& [path, reason] : search.skipped)
        QVERIFY2(!reason.empty(), path.c_str());
    const ScanSearch flat = findScans(dir() / "mixed", false);
    QCOMPARE(flat.scans.size(), std::size_t{1}); // only t1.nii.gz lies directly in the folder
}

void ScanFinderTest::opensWhatAUserPointsAt_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("slicesAlongAxis"); // the acquired slice count
    QTest::addColumn<QString>("warning");     // expected in the volume's warnings, or empty
    QTest::newRow("series folder") << "seriesonly" << 20 << "";
    QTest::newRow("a file of the series") << "seriesonly/IM0007.dcm" << 20 << "";
    QTest::newRow("NIfTI") << "mixed/t1.nii.gz" << 12 << "";
    QTest::newRow("folder of several scans") << "mixed" << 20 << "holds 3 scans";
}

void ScanFinderTest::opensWhatAUserPointsAt()
{
    QFETCH(QString, path);
    QFETCH(int, slicesAlongAxis);
    QFETCH(QString, warning);
    QVERIFY(isScanPath(dir() / path.toStdString()));
    const Volume volume = openScan(dir() / path.toStdString());
    QCOMPARE(volume.geometry.axisCodes(), std::string("LPS"));
    QCOMPARE(volume.geometry.size[static_cast<std::size_t>(volume.source.sliceAxis)], slicesAlongAxis);
    QString all;
    for (const std::string& w : volume.source.warnings)
        all += QString::fromStdString(w);
    if (warning.isEmpty())
        QVERIFY2(all.isEmpty(), qPrintable(all));
    else
        QVERIFY2(all.contains(warning), qPrintable(all));
}

void ScanFinderTest::refusesWhatIsNoScan_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("a lone DICOM slice") << "single/slice.dcm" << "a single DICOM slice";
    QTest::newRow("a mosaic") << "mixed/fmri" << "mosaic";
    QTest::newRow("a PNG") << "mixed/slice.png" << "neither a NIfTI volume nor a DICOM file";
    QTest::newRow("a folder of 2D images") << "single" << "only 2D images";
    QTest::newRow("nothing there") << "missing" << "no such file or folder";
}

void ScanFinderTest::refusesWhatIsNoScan()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    const fs::path target = dir() / path.toStdString();
    QVERIFY(!isScanPath(target));
    try {
        openScan(target);
        QFAIL("opened as a scan");
    } catch (const NeuroDxError& e) {
        QVERIFY2(QString(e.what()).contains(reason), e.what());
        QCOMPARE(e.file(), target);
    }
}

QTEST_GUILESS_MAIN(ScanFinderTest)
#include "tst_scanfinder.moc"
