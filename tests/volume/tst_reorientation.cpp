// Every storage order a scanner or converter can choose (48 axis permutations and flips) must come
// back as the same canonical LPS voxels; oblique grids beyond the tolerance are resampled, and
// trilinear interpolation reproduces a linear intensity field exactly.
#include "volume/Reorientation.h"

#include <QtTest>

#include <cmath>

using namespace neurodx;

namespace {

// A canonical (LPS) volume with a different value in every voxel.
Volume canonicalRamp()
{
    Volume v;
    v.geometry.size = {7, 5, 4};
    v.geometry.spacing = {0.9, 1.2, 2.5};
    v.geometry.origin = {-30, 12, 40};
    v.voxels.resize(v.geometry.voxelCount());
    for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 5; ++j)
            for (int i = 0; i < 7; ++i)
                v.at(i, j, k) = static_cast<float>(i + 10 * j + 100 * k);
    return v;
}

// The same object stored with axis a of the file along patient axis perm[a], flipped where sign < 0.
Volume storedAs(const Volume& canonical, std::array<int, 3> perm, std::array<int, 3> sign)
{
    Volume stored;
    for (std::size_t a = 0; a < 3; ++a) {
        const auto c = static_cast<std::size_t>(perm[a]);
        stored.geometry.size[a] = canonical.geometry.size[c];
        stored.geometry.spacing[a] = canonical.geometry.spacing[c];
        stored.geometry.direction[a] = {0, 0, 0};
        stored.geometry.direction[a][c] = sign[a];
    }
    // The stored first voxel is the canonical voxel at the far end of every flipped axis.
    std::array<double, 3> canonicalIndex{};
    for (std::size_t a = 0; a < 3; ++a)
        if (sign[a] < 0)
            canonicalIndex[static_cast<std::size_t>(perm[a])] = canonical.geometry.size[static_cast<std::size_t>(perm[a])] - 1;
    stored.geometry.origin = canonical.geometry.toPatient(canonicalIndex[0], canonicalIndex[1], canonicalIndex[2]);
    stored.voxels.resize(canonical.voxels.size());
    for (int k = 0; k < stored.nz(); ++k)
        for (int j = 0; j < stored.ny(); ++j)
            for (int i = 0; i < stored.nx(); ++i) {
                const Vec3 index = canonical.geometry.toIndex(stored.geometry.toPatient(i, j, k));
                stored.at(i, j, k) = canonical.at(static_cast<int>(std::lround(index[0])), static_cast<int>(std::lround(index[1])),
                                                  static_cast<int>(std::lround(index[2])));
            }
    return stored;
}

Vec3 rotatedZ(const Vec3& v, double degrees)
{
    const double a = degrees * 3.14159265358979323846 / 180.0;
    return {std::cos(a) * v[0] - std::sin(a) * v[1], std::sin(a) * v[0] + std::cos(a) * v[1], v[2]};
}

} // namespace

class ReorientationTest : public QObject {
    Q_OBJECT
private slots:
    void everyStorageOrderBecomesTheSameCanonicalVolume_data();
    void everyStorageOrderBecomesTheSameCanonicalVolume();
    void smallObliquityIsKeptWithoutInterpolation();
    void largeObliquityIsResampled_data();
    void largeObliquityIsResampled();
    void resamplingOutsideTheVolumeGivesBackground();
};

void ReorientationTest::everyStorageOrderBecomesTheSameCanonicalVolume_data()
{
    QTest::addColumn<int>("p0");
    QTest::addColumn<int>("p1");
    QTest::addColumn<int>("p2");
    QTest::addColumn<int>("flips");
    const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (const auto& p : perms)
        for (int flips = 0; flips < 8; ++flips)
            QTest::addRow("perm %d%d%d flips %d", p[0], p[1], p[2], flips) << p[0] << p[1] << p[2] << flips;
}

void ReorientationTest::everyStorageOrderBecomesTheSameCanonicalVolume()
{
    QFETCH(int, p0);
    QFETCH(int, p1);
    QFETCH(int, p2);
    QFETCH(int, flips);
    const Volume canonical = canonicalRamp();
    const Volume stored = storedAs(canonical, {p0, p1, p2}, {flips & 1 ? -1 : 1, flips & 2 ? -1 : 1, flips & 4 ? -1 : 1});
    const Volume back = toCanonical(stored);
    QCOMPARE(back.geometry.axisCodes(), std::string("LPS"));
    QCOMPARE(back.geometry.size, canonical.geometry.size);
    for (std::size_t c = 0; c < 3; ++c) {
        QCOMPARE(back.geometry.spacing[c], canonical.geometry.spacing[c]);
        QVERIFY(std::abs(back.geometry.origin[c] - canonical.geometry.origin[c]) < 1e-9);
    }
    QVERIFY(back.voxels == canonical.voxels);
    QVERIFY(back.source.warnings.empty());
}

void ReorientationTest::smallObliquityIsKeptWithoutInterpolation()
{
    Volume v = canonicalRamp();
    for (Vec3& axis : v.geometry.direction)
        axis = rotatedZ(axis, 3.0);
    const Volume back = toCanonical(v);
    QVERIFY(back.voxels == v.voxels); // no interpolation
    QCOMPARE(back.geometry.axisCodes(), std::string("LPS"));
    QCOMPARE(back.source.warnings.size(), std::size_t{1});
    QVERIFY2(QString::fromStdString(back.source.warnings.front()).contains("3.0 degrees"), back.source.warnings.front().c_str());
    QVERIFY(QString::fromStdString(back.source.warnings.front()).contains("without interpolation"));
}

void ReorientationTest::largeObliquityIsResampled_data()
{
    QTest::addColumn<double>("degrees");
    QTest::addColumn<bool>("flipped");
    QTest::newRow("20 degrees") << 20.0 << false;
    QTest::newRow("40 degrees, stored right to left") << 40.0 << true;
}

void ReorientationTest::largeObliquityIsResampled()
{
    QFETCH(double, degrees);
    QFETCH(bool, flipped);
    // A linear intensity field: trilinear interpolation reproduces it exactly inside the volume.
    const auto field = [](const Vec3& p) { return 2.0 * p[0] - 3.0 * p[1] + 0.5 * p[2] + 7.0; };
    Volume v;
    v.geometry.size = {20, 18, 16};
    v.geometry.spacing = {1.0, 1.0, 1.5};
    v.geometry.origin = {-10, -9, -12};
    v.geometry.direction = {rotatedZ({flipped ? -1.0 : 1.0, 0, 0}, degrees), rotatedZ({0, 1, 0}, degrees), Vec3{0, 0, 1}};
    v.voxels.resize(v.geometry.voxelCount());
    for (int k = 0; k < v.nz(); ++k)
        for (int j = 0; j < v.ny(); ++j)
            for (int i = 0; i < v.nx(); ++i)
                v.at(i, j, k) = static_cast<float>(field(v.geometry.toPatient(i, j, k)));
    const Volume back = toCanonical(v);
    QCOMPARE(back.geometry.axisCodes(), std::string("LPS"));
    QVERIFY(back.geometry.obliquityDegrees() < 1e-9);
    QVERIFY2(QString::fromStdString(back.source.warnings.back()).contains("resampled"), back.source.warnings.back().c_str());
    int inside = 0;
    for (int k = 0; k < back.nz(); ++k)
        for (int j = 0; j < back.ny(); ++j)
            for (int i = 0; i < back.nx(); ++i) {
                const Vec3 p = back.geometry.toPatient(i, j, k);
                const Vec3 source = v.geometry.toIndex(p);
                const bool within = source[0] >= 0 && source[0] <= v.nx() - 1 && source[1] >= 0 && source[1] <= v.ny() - 1 && source[2] >= 0 &&
                                    source[2] <= v.nz() - 1;
                if (!within)
                    continue;
                ++inside;
                if (std::abs(back.at(i, j, k) - field(p)) > 1e-3)
                    QFAIL(qPrintable(QString("voxel %1,%2,%3: %4, expected %5").arg(i).arg(j).arg(k).arg(back.at(i, j, k)).arg(field(p))));
            }
    QVERIFY(inside > static_cast<int>(v.voxels.size()) / 2);
}

void ReorientationTest::resamplingOutsideTheVolumeGivesBackground()
{
    const Volume v = canonicalRamp();
    VolumeGeometry far = v.geometry;
    far.origin = {500, 500, 500};
    const Volume out = resampleOnto(v, far, -1.0f);
    QVERIFY(std::all_of(out.voxels.begin(), out.voxels.end(), [](float x) { return x == -1.0f; }));
    const Volume same = resampleOnto(v, v.geometry);
    QVERIFY(same.voxels == v.voxels);
}

QTEST_APPLESS_MAIN(ReorientationTest)
#include "tst_reorientation.moc"
