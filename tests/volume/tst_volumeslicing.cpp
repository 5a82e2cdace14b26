// Slices of a canonical volume follow radiology's display conventions, whatever order the scan was
// stored in, keep anatomy's proportions (square pixels), and give the same model input as a PNG of
// the same slice.
#include "common/NeuroDxError.h"
#include "imaging/ModelInput.h"
#include "volume/Reorientation.h"
#include "volume/SliceSelection.h"
#include "volume/VolumeSlicing.h"

#include <opencv2/core.hpp>

#include <QtTest>

using namespace neurodx;

namespace {

Volume ramp(std::array<int, 3> size, Vec3 spacing = {1, 1, 1})
{
    Volume v;
    v.geometry.size = size;
    v.geometry.spacing = spacing;
    v.voxels.resize(v.geometry.voxelCount());
    for (int k = 0; k < size[2]; ++k)
        for (int j = 0; j < size[1]; ++j)
            for (int i = 0; i < size[0]; ++i)
                v.at(i, j, k) = static_cast<float>(i + 10 * j + 100 * k);
    return v;
}

// An RAS-stored volume (as NIfTI converters write) of 21^3 voxels centred at the origin, dark but for
// one bright voxel at the patient point `lps`.
Volume rasWithMarkerAt(const Vec3& lps)
{
    Volume v;
    v.geometry.size = {21, 21, 21};
    v.geometry.direction = {Vec3{-1, 0, 0}, Vec3{0, -1, 0}, Vec3{0, 0, 1}};
    v.geometry.origin = {10, 10, -10};
    v.voxels.assign(v.geometry.voxelCount(), 0.0f);
    const Vec3 index = v.geometry.toIndex(lps);
    v.at(static_cast<int>(std::lround(index[0])), static_cast<int>(std::lround(index[1])), static_cast<int>(std::lround(index[2]))) = 1.0f;
    return v;
}

QPoint brightestPixel(const Slice& slice)
{
    cv::Point location;
    cv::minMaxLoc(slice.pixels, nullptr, nullptr, nullptr, &location);
    return {location.x, location.y};
}

} // namespace

class VolumeSlicingTest : public QObject {
    Q_OBJECT
private slots:
    void slicesFollowRadiologyConventions_data();
    void slicesFollowRadiologyConventions();
    void pixelLayoutPerPlane();
    void pixelsAreMadeSquare();
    void positionsAreLabelledInPatientTerms();
    void refusesNonCanonicalVolumesAndBadIndices();
    void modelInputEqualsThatOfTheExportedPng();
};

void VolumeSlicingTest::slicesFollowRadiologyConventions_data()
{
    QTest::addColumn<Vec3>("marker"); // LPS mm
    QTest::addColumn<int>("plane");
    QTest::addColumn<QString>("where"); // which half of the image the marker must be in
    // Axial: patient left on the image's right, anterior at the top.
    QTest::newRow("axial, patient left") << Vec3{8, 0, 0} << int(SlicePlane::Axial) << "right";
    QTest::newRow("axial, anterior") << Vec3{0, -8, 0} << int(SlicePlane::Axial) << "top";
    // Coronal: superior at the top, patient left on the right.
    QTest::newRow("coronal, superior") << Vec3{0, 0, 8} << int(SlicePlane::Coronal) << "top";
    QTest::newRow("coronal, patient right") << Vec3{-8, 0, 0} << int(SlicePlane::Coronal) << "left";
    // Sagittal: superior at the top, anterior on the left.
    QTest::newRow("sagittal, inferior") << Vec3{0, 0, -8} << int(SlicePlane::Sagittal) << "bottom";
    QTest::newRow("sagittal, anterior") << Vec3{0, -8, 0} << int(SlicePlane::Sagittal) << "left";
}

void VolumeSlicingTest::slicesFollowRadiologyConventions()
{
    QFETCH(Vec3, marker);
    QFETCH(int, plane);
    QFETCH(QString, where);
    const Volume canonical = toCanonical(rasWithMarkerAt(marker));
    const auto p = static_cast<SlicePlane>(plane);
    const int axis = p == SlicePlane::Axial ? 2 : p == SlicePlane::Coronal ? 1 : 0;
    const Vec3 index = canonical.geometry.toIndex(marker);
    const Slice slice = volumeSlice(canonical, p, static_cast<int>(std::lround(index[static_cast<std::size_t>(axis)])));
    const QPoint bright = brightestPixel(slice);
    QCOMPARE(slice.pixels.at<float>(bright.y(), bright.x()), 1.0f);
    const int centre = 10;
    if (where == "right")
        QVERIFY(bright.x() > centre);
    else if (where == "left")
        QVERIFY(bright.x() < centre);
    else if (where == "top")
        QVERIFY(bright.y() < centre);
    else
        QVERIFY(bright.y() > centre);
}

void VolumeSlicingTest::pixelLayoutPerPlane()
{
    const Volume v = ramp({4, 5, 6});
    const Slice axial = volumeSlice(v, SlicePlane::Axial, 2);
    QCOMPARE(axial.pixels.cols, 4);
    QCOMPARE(axial.pixels.rows, 5);
    QCOMPARE(axial.pixels.at<float>(3, 1), v.at(1, 3, 2));
    const Slice coronal = volumeSlice(v, SlicePlane::Coronal, 4);
    QCOMPARE(coronal.pixels.rows, 6);
    QCOMPARE(coronal.pixels.at<float>(0, 2), v.at(2, 4, 5)); // top row: the most superior slice
    const Slice sagittal = volumeSlice(v, SlicePlane::Sagittal, 3);
    QCOMPARE(sagittal.pixels.cols, 5);
    QCOMPARE(sagittal.pixels.at<float>(5, 1), v.at(3, 1, 0));
    QCOMPARE(sliceCount(v, SlicePlane::Sagittal), 4);
    QCOMPARE(axial.info.frames, 6);
    QCOMPARE(axial.info.frame, 2);
    QCOMPARE(axial.storedRange(), std::make_pair(0.0, 543.0));
}

void VolumeSlicingTest::pixelsAreMadeSquare()
{
    // 1 x 1 x 2.5 mm voxels: a coronal slice of 20 slices spans 50 mm and must be 50 pixels high.
    const Volume v = ramp({30, 24, 20}, {1.0, 1.0, 2.5});
    const Slice coronal = volumeSlice(v, SlicePlane::Coronal, 5);
    QCOMPARE(coronal.pixels.cols, 30);
    QCOMPARE(coronal.pixels.rows, 50);
    QCOMPARE(*coronal.info.pixelSpacingRow, 1.0);
    const Slice axial = volumeSlice(v, SlicePlane::Axial, 5);
    QCOMPARE(axial.pixels.rows, 24);
}

void VolumeSlicingTest::positionsAreLabelledInPatientTerms()
{
    Volume v = ramp({4, 4, 10}, {1, 1, 2});
    v.geometry.origin = {-1.5, 3, -9};
    QCOMPARE(slicePositionMm(v, SlicePlane::Axial, 7), 5.0);
    QCOMPARE(slicePositionText(v, SlicePlane::Axial, 7), std::string("S 5.0 mm"));
    QCOMPARE(slicePositionText(v, SlicePlane::Axial, 0), std::string("I 9.0 mm"));
    QCOMPARE(slicePositionText(v, SlicePlane::Sagittal, 0), std::string("R 1.5 mm"));
    QCOMPARE(slicePositionText(v, SlicePlane::Coronal, 1), std::string("P 4.0 mm"));
}

void VolumeSlicingTest::refusesNonCanonicalVolumesAndBadIndices()
{
    Volume v = ramp({4, 4, 4});
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, volumeSlice(v, SlicePlane::Axial, 4));
    v.geometry.direction[0] = {-1, 0, 0};
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, volumeSlice(v, SlicePlane::Axial, 0));
    QCOMPARE(slicePlaneFromName(" Coronal "), SlicePlane::Coronal);
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, slicePlaneFromName("oblique"));
}

void VolumeSlicingTest::modelInputEqualsThatOfTheExportedPng()
{
    // The import writes round(255 * normalised grey); read back, a PNG is value / 255. The model
    // input of the in-memory slice and of the PNG must agree to half an 8-bit step.
    Volume v = ramp({40, 36, 8});
    for (float& x : v.voxels)
        x = 100.0f + 0.37f * x;
    const Slice slice = volumeSlice(v, SlicePlane::Axial, 4);
    cv::Mat bytes;
    normalisedGrey(slice, intensityWindowFor(slice)).convertTo(bytes, CV_8U, 255.0);
    Slice png;
    png.pixels = cv::Mat();
    bytes.convertTo(png.pixels, CV_32F);
    png.info.format = ImageFormat::Png;
    png.info.width = bytes.cols;
    png.info.height = bytes.rows;
    const PreprocessConfig input{32, 1};
    cv::Mat difference;
    cv::absdiff(modelInput(slice, input), modelInput(png, input), difference);
    double worst = 0;
    cv::minMaxLoc(difference, nullptr, &worst);
    QVERIFY2(worst <= 0.5 / 255.0 + 1e-6, qPrintable(QString::number(worst)));
}

QTEST_APPLESS_MAIN(VolumeSlicingTest)
#include "tst_volumeslicing.moc"
