// The 3D phantom: one continuous head per subject, sampled on any grid. A volume stored in another
// axis order must be a pure permutation of the same values, the axial sections must be the 2D
// phantom's slices, and the 2D renderer must not have changed by sharing its tissue model.
#include "common/NeuroDxError.h"
#include "synthetic/PhantomGenerator.h"
#include "synthetic/PhantomTissue.h"
#include "synthetic/PhantomVolume.h"

#include <opencv2/core.hpp>

#include <QElapsedTimer>
#include <QtTest>

#include <cmath>

using namespace neurodx;

namespace {

// FNV-1a over a float image's bytes.
std::uint64_t fnv(const cv::Mat& m)
{
    std::uint64_t h = 1469598103934665603ull;
    for (int y = 0; y < m.rows; ++y) {
        const unsigned char* p = m.ptr<unsigned char>(y);
        for (std::size_t i = 0; i < static_cast<std::size_t>(m.cols) * m.elemSize(); ++i) {
            h ^= p[i];
            h *= 1099511628211ull;
        }
    }
    return h;
}

// A grid whose coordinates are exact in binary floating point, so reordering it moves no voxel
// centre by even one rounding step.
VolumeGeometry exactGrid()
{
    VolumeGeometry g;
    g.size = {40, 36, 30};
    g.spacing = {4.0, 4.5, 5.0};
    g.origin = {-78.0, -79.0, -140.0};
    return g;
}

int countBelow(const Volume& v, int k, float threshold, int margin)
{
    int count = 0;
    for (int j = margin; j < v.ny() - margin; ++j)
        for (int i = margin; i < v.nx() - margin; ++i)
            count += v.at(i, j, k) < threshold ? 1 : 0;
    return count;
}

int headArea(const Volume& v, int k)
{
    int count = 0;
    for (int j = 0; j < v.ny(); ++j)
        for (int i = 0; i < v.nx(); ++i)
            count += v.at(i, j, k) > 0.02f ? 1 : 0;
    return count;
}

} // namespace

class PhantomVolumeTest : public QObject {
    Q_OBJECT
private slots:
    void sliceRendererUnchanged_data();
    void sliceRendererUnchanged();
    void sameInputsSameVoxels();
    void reorderedGridIsAPermutation_data();
    void reorderedGridIsAPermutation();
    void axialSectionsAreTheSlices();
    void headHasAirAboveAndANeckBelow();
    void atrophyEnlargesVentricles();
    void gridsNameTheirOrientation_data();
    void gridsNameTheirOrientation();
    void rejectsBadGrids();
    void rendersQuickly();
};

void PhantomVolumeTest::sliceRendererUnchanged_data()
{
    QTest::addColumn<qulonglong>("seed");
    QTest::addColumn<int>("index");
    QTest::addColumn<double>("disease");
    QTest::addColumn<double>("difficulty");
    QTest::addColumn<double>("level");
    QTest::addColumn<int>("size");
    QTest::addColumn<qulonglong>("noiseSeed");
    QTest::addColumn<qulonglong>("hash");
    // Hashes of the renderer as it was before the tissue model moved to PhantomTissue.cpp.
    QTest::newRow("CN mid") << 42ull << 0 << 0.0 << 0.5 << 0.5 << 128 << 7ull << 0x4039eae5a0bf2625ull;
    QTest::newRow("AD low") << 42ull << 5 << 1.0 << 0.5 << 0.3 << 96 << 11ull << 0x7522e44e0f677c3bull;
    QTest::newRow("MCI ventricles") << 7ull << 3 << 0.5 << 0.2 << 0.62 << 64 << 3ull << 0x0ba4e0802b5a1850ull;
    QTest::newRow("AD hard high") << 1234ull << 17 << 1.0 << 0.9 << 0.75 << 128 << 99ull << 0x232ad0e6f36f3280ull;
    QTest::newRow("CN base small") << 42ull << 2 << 0.0 << 0.5 << 0.1 << 48 << 5ull << 0xaa89e50ac44d41a3ull;
}

void PhantomVolumeTest::sliceRendererUnchanged()
{
    QFETCH(qulonglong, seed);
    QFETCH(int, index);
    QFETCH(double, disease);
    QFETCH(double, difficulty);
    QFETCH(double, level);
    QFETCH(int, size);
    QFETCH(qulonglong, noiseSeed);
    QFETCH(qulonglong, hash);
    const PhantomSubject subject = drawPhantomSubject(seed, index, disease, difficulty);
    QCOMPARE(qulonglong(fnv(renderPhantomSlice(subject, level, size, noiseSeed))), hash);
}

void PhantomVolumeTest::sameInputsSameVoxels()
{
    const PhantomSubject subject = drawPhantomSubject(42, 1, 0.5, 0.5);
    const VolumeGeometry grid = phantomHeadGrid(40, 32, PhantomPlane::Sagittal, 9.0);
    PhantomVolumeOptions one;
    one.threads = 1;
    PhantomVolumeOptions three;
    three.threads = 3;
    const Volume a = renderPhantomVolume(subject, grid, 5, one);
    const Volume b = renderPhantomVolume(subject, grid, 5, three);
    QVERIFY(a.voxels == b.voxels);
    QCOMPARE(a.voxels.size(), grid.voxelCount());
    QCOMPARE(a.geometry.size, grid.size);
    QCOMPARE(QString::fromStdString(a.source.storedAxes), QString("PIR"));
    const Volume c = renderPhantomVolume(subject, grid, 6, one);
    QVERIFY(a.voxels != c.voxels);
    for (const float v : a.voxels)
        QVERIFY(v >= 0.0f && v <= 1.0f);
}

void PhantomVolumeTest::reorderedGridIsAPermutation_data()
{
    QTest::addColumn<QString>("codes");
    QTest::addColumn<bool>("noise");
    QTest::addColumn<bool>("partialVolume");
    QTest::newRow("RAS flips x and y") << "RAS" << true << true;
    QTest::newRow("PIR sagittal") << "PIR" << true << true;
    QTest::newRow("LIP coronal") << "LIP" << true << false;
    QTest::newRow("SAL") << "SAL" << false << true;
    QTest::newRow("IRA") << "IRA" << true << true;
    QTest::newRow("LPI") << "LPI" << false << false;
}

void PhantomVolumeTest::reorderedGridIsAPermutation()
{
    QFETCH(QString, codes);
    QFETCH(bool, noise);
    QFETCH(bool, partialVolume);
    const PhantomSubject subject = drawPhantomSubject(42, 4, 1.0, 0.5);
    PhantomVolumeOptions options;
    options.noise = noise;
    options.partialVolume = partialVolume;
    const VolumeGeometry axial = exactGrid();
    const VolumeGeometry other = reorderedGrid(axial, codes.toStdString());
    QCOMPARE(QString::fromStdString(other.axisCodes()), codes);
    const Volume a = renderPhantomVolume(subject, axial, 9, options);
    const Volume b = renderPhantomVolume(subject, other, 9, options);
    QCOMPARE(b.voxels.size(), a.voxels.size());
    int inside = 0;
    for (int k = 0; k < b.nz(); ++k)
        for (int j = 0; j < b.ny(); ++j)
            for (int i = 0; i < b.nx(); ++i) {
                const Vec3 index = axial.toIndex(other.toPatient(i, j, k));
                const int ai = int(std::lround(index[0])), aj = int(std::lround(index[1])), ak = int(std::lround(index[2]));
                QVERIFY(std::abs(index[0] - ai) < 1e-9 && std::abs(index[1] - aj) < 1e-9 && std::abs(index[2] - ak) < 1e-9);
                if (b.at(i, j, k) != a.at(ai, aj, ak))
                    QFAIL(qPrintable(QString("voxel %1,%2,%3 differs").arg(i).arg(j).arg(k)));
                inside += a.at(ai, aj, ak) > 0.3f ? 1 : 0;
            }
    QVERIFY(inside > int(a.voxels.size() / 10)); // the head is in the grid, not just air
}

void PhantomVolumeTest::axialSectionsAreTheSlices()
{
    // An axial grid whose slice k sits at level 0.6 and whose voxel centres are the 2D pixel centres.
    const int size = 128;
    const PhantomSubject subject = drawPhantomSubject(42, 7, 1.0, 0.5);
    VolumeGeometry grid;
    grid.size = {size, size, 1};
    grid.spacing = {256.0 / size, 256.0 / size, 1.0};
    grid.origin = {-128.0 + 128.0 / size, -128.0 + 128.0 / size, kPhantomLevelZeroMm + 0.6 * kPhantomHeadHeightMm};
    PhantomVolumeOptions clean;
    clean.noise = false;
    clean.partialVolume = false;
    const Volume volume = renderPhantomVolume(subject, grid, 1, clean);

    // The same formula the 2D renderer uses before its blur and noise.
    const phantom::Tissue tissue = phantom::tissueLevels(subject);
    const double section = phantom::crossSection(0.6);
    int differing = 0;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const double px = (x + 0.5) / size - 0.5 - subject.offsetX, py = (y + 0.5) / size - 0.5 - subject.offsetY;
            const double qx = std::cos(subject.rotation) * px + std::sin(subject.rotation) * py;
            const double qy = -std::sin(subject.rotation) * px + std::cos(subject.rotation) * py;
            const double bias = 1.0 + subject.biasX * px + subject.biasY * py + subject.biasXY * px * py;
            const double expected = std::clamp(phantom::tissueAt(subject, tissue, qx / (subject.headRadiusX * section),
                                                                 qy / (subject.headRadiusY * section), 0.6) * bias, 0.0, 1.0);
            differing += std::abs(volume.at(x, y, 0) - expected) > 1e-6 ? 1 : 0;
        }
    // Only pixels exactly on a tissue boundary may round the other way.
    QVERIFY2(differing < size * size / 500, qPrintable(QString::number(differing)));

    // And the 2D renderer's output (blurred, noisy) is the same picture.
    const cv::Mat slice = renderPhantomSlice(subject, 0.6, size, 3);
    const cv::Mat section3d(size, size, CV_32F, const_cast<float*>(volume.voxels.data()));
    cv::Mat a, b;
    cv::subtract(slice, cv::mean(slice), a, cv::noArray(), CV_64F);
    cv::subtract(section3d, cv::mean(section3d), b, cv::noArray(), CV_64F);
    const double correlation = a.dot(b) / std::sqrt(a.dot(a) * b.dot(b));
    QVERIFY2(correlation > 0.9, qPrintable(QString::number(correlation)));
}

void PhantomVolumeTest::headHasAirAboveAndANeckBelow()
{
    const PhantomSubject subject = drawPhantomSubject(42, 2, 0.0, 0.5);
    PhantomVolumeOptions clean;
    clean.noise = false;
    const VolumeGeometry grid = phantomHeadGrid(64, 96);
    QCOMPARE(QString::fromStdString(grid.axisCodes()), QString("LPS"));
    const Volume v = renderPhantomVolume(subject, grid, 1, clean);
    std::vector<int> area;
    for (int k = 0; k < v.nz(); ++k)
        area.push_back(headArea(v, k));
    const int widest = *std::max_element(area.begin(), area.end());
    // Air all around in-plane: the first and last rows and columns are empty.
    for (int k = 0; k < v.nz(); ++k)
        for (int n = 0; n < v.nx(); ++n)
            QVERIFY(v.at(n, 0, k) == 0.0f && v.at(n, v.ny() - 1, k) == 0.0f && v.at(0, n, k) == 0.0f && v.at(v.nx() - 1, n, k) == 0.0f);
    // Air above the vertex, a neck (narrower than the head, but there) at the bottom.
    QCOMPARE(area.back(), 0);
    QCOMPARE(area[area.size() - 3], 0);
    QVERIFY(area.front() > 0);
    QVERIFY2(area.front() < widest / 2, qPrintable(QString("%1 of %2").arg(area.front()).arg(widest)));
    // The head is roughly centred on z = 0: the widest section lies within 40 mm of it.
    const int widestK = int(std::max_element(area.begin(), area.end()) - area.begin());
    QVERIFY(std::abs(grid.toPatient(0, 0, widestK)[2]) < 40.0);
}

void PhantomVolumeTest::atrophyEnlargesVentricles()
{
    PhantomVolumeOptions clean;
    clean.noise = false;
    const VolumeGeometry grid = phantomHeadGrid(64, 32);
    const int k = int(std::lround(grid.toIndex({0, 0, kPhantomLevelZeroMm + 0.58 * kPhantomHeadHeightMm})[2]));
    int larger = 0;
    for (int subject = 0; subject < 5; ++subject) {
        const Volume cn = renderPhantomVolume(drawPhantomSubject(42, subject, 0.0, 0.0), grid, 1, clean);
        const Volume ad = renderPhantomVolume(drawPhantomSubject(42, subject, 1.0, 0.0), grid, 1, clean);
        larger += countBelow(ad, k, 0.2f, 24) > countBelow(cn, k, 0.2f, 24) ? 1 : 0;
    }
    QCOMPARE(larger, 5);
}

void PhantomVolumeTest::gridsNameTheirOrientation_data()
{
    QTest::addColumn<int>("plane");
    QTest::addColumn<double>("oblique");
    QTest::addColumn<QString>("codes");
    QTest::newRow("axial") << int(PhantomPlane::Axial) << 0.0 << "LPS";
    QTest::newRow("coronal") << int(PhantomPlane::Coronal) << 0.0 << "LIP";
    QTest::newRow("sagittal") << int(PhantomPlane::Sagittal) << 0.0 << "PIR";
    QTest::newRow("sagittal oblique") << int(PhantomPlane::Sagittal) << 12.0 << "PIR";
    QTest::newRow("axial oblique") << int(PhantomPlane::Axial) << -20.0 << "LPS";
}

void PhantomVolumeTest::gridsNameTheirOrientation()
{
    QFETCH(int, plane);
    QFETCH(double, oblique);
    QFETCH(QString, codes);
    const VolumeGeometry g = phantomHeadGrid(32, 24, PhantomPlane(plane), oblique);
    QCOMPARE(QString::fromStdString(g.axisCodes()), codes);
    QVERIFY(std::abs(g.obliquityDegrees() - std::abs(oblique)) < 1e-6);
    QCOMPARE(g.size, (std::array<int, 3>{32, 32, 24}));
    const Vec3 centre = g.toPatient(15.5, 15.5, 11.5);
    QVERIFY(std::abs(centre[0]) < 1e-9 && std::abs(centre[1]) < 1e-9 && std::abs(centre[2] + 8.0) < 1e-9);
    QVERIFY(dot(g.direction[0], cross(g.direction[1], g.direction[2])) > 0.999); // a proper rotation
}

void PhantomVolumeTest::rejectsBadGrids()
{
    const PhantomSubject subject = drawPhantomSubject(1, 0, 0.0, 0.5);
    VolumeGeometry empty;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, renderPhantomVolume(subject, empty, 1));
    VolumeGeometry flat = exactGrid();
    flat.direction[2] = flat.direction[0];
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, renderPhantomVolume(subject, flat, 1));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, reorderedGrid(exactGrid(), "LLS"));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, reorderedGrid(exactGrid(), "LP"));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, phantomHeadGrid(1, 10));
}

void PhantomVolumeTest::rendersQuickly()
{
    const PhantomSubject subject = drawPhantomSubject(42, 3, 1.0, 0.5);
    const VolumeGeometry grid = phantomHeadGrid(128, 100);
    QElapsedTimer timer;
    timer.start();
    const Volume v = renderPhantomVolume(subject, grid, 7);
    const qint64 ms = timer.elapsed();
    qInfo("renderPhantomVolume 128x128x100 (noise, partial volume): %lld ms", ms);
    QCOMPARE(v.voxels.size(), std::size_t(128 * 128 * 100));
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms))); // about 0.6 s on 2 cores; generous for loaded CI
}

QTEST_APPLESS_MAIN(PhantomVolumeTest)
#include "tst_phantomvolume.moc"
