// Which slices of a scan become images: the rules, their text and JSON forms, and the head extent
// that the default rule centres on.
#include "common/NeuroDxError.h"
#include "volume/SliceSelection.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace neurodx;

namespace {

// A canonical volume with a head-like blob: an ellipsoid whose cross-section is largest at
// k = 30, from k = 10 (skull base) to k = 50 (vertex), above a narrow "neck" from k = 0 to 10.
Volume head()
{
    Volume v;
    v.geometry.size = {40, 40, 60};
    v.voxels.assign(v.geometry.voxelCount(), 0.01f);
    for (int k = 0; k < 60; ++k)
        for (int j = 0; j < 40; ++j)
            for (int i = 0; i < 40; ++i) {
                const double x = (i - 19.5) / 18.0, y = (j - 19.5) / 18.0, z = (k - 30.0) / 20.0;
                const bool inHead = x * x + y * y + z * z <= 1.0;
                const bool inNeck = k < 12 && x * x + y * y <= 0.3 * 0.3;
                if (inHead || inNeck)
                    v.at(i, j, k) = 1.0f;
            }
    return v;
}

} // namespace

class SliceSelectionTest : public QObject {
    Q_OBJECT
private slots:
    void parsesTheCommandLineSyntax_data();
    void parsesTheCommandLineSyntax();
    void refusesBadRules_data();
    void refusesBadRules();
    void headExtentLeavesOutNeckAndAir();
    void selectsSlices_data();
    void selectsSlices();
};

void SliceSelectionTest::parsesTheCommandLineSyntax_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("description");
    QTest::newRow("central") << "central:24" << "axial, the central 24 slices of the head's extent";
    QTest::newRow("discard") << "Discard:20" << "axial, every slice but 20 at each end";
    QTest::newRow("range") << "range:60-120" << "axial, slices 60 to 120";
    QTest::newRow("all") << "all" << "axial, every slice";
}

void SliceSelectionTest::parsesTheCommandLineSyntax()
{
    QFETCH(QString, text);
    QFETCH(QString, description);
    const SliceSelection s = SliceSelection::parse(SlicePlane::Axial, text.toStdString());
    QCOMPARE(QString::fromStdString(s.describe()), description);
    QCOMPARE(QString::fromStdString(s.ruleText()), text.toLower());
    const SliceSelection back = SliceSelection::fromJson(s.toJson());
    QCOMPARE(back.toJson(), s.toJson());
    QCOMPARE(back.ruleText(), s.ruleText());
}

void SliceSelectionTest::refusesBadRules_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << "middle:10";
    QTest::newRow("no count") << "central";
    QTest::newRow("zero") << "central:0";
    QTest::newRow("negative") << "discard:-1";
    QTest::newRow("backwards") << "range:50-40";
    QTest::newRow("garbage") << "range:a-b";
}

void SliceSelectionTest::refusesBadRules()
{
    QFETCH(QString, text);
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, SliceSelection::parse(SlicePlane::Axial, text.toStdString()));
}

void SliceSelectionTest::headExtentLeavesOutNeckAndAir()
{
    const Volume v = head();
    const SliceRange axial = headExtent(v, SlicePlane::Axial);
    // Cross-section at least half the largest: |z| <= sqrt(0.5) -> k in 30 +- 14.1.
    QCOMPARE(axial.first, 16);
    QCOMPARE(axial.last, 44);
    const SliceRange sagittal = headExtent(v, SlicePlane::Sagittal);
    QVERIFY(sagittal.first > 2 && sagittal.last < 37);
    QCOMPARE(sagittal.first + sagittal.last, 39); // symmetric
}

void SliceSelectionTest::selectsSlices_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<int>("first");
    QTest::addColumn<int>("last");
    QTest::newRow("central 10") << "central:10" << 26 << 35;
    QTest::newRow("central more than exist") << "central:100" << 0 << 59;
    QTest::newRow("discard") << "discard:20" << 20 << 39;
    QTest::newRow("range clipped") << "range:50-80" << 50 << 59;
    QTest::newRow("all") << "all" << 0 << 59;
}

void SliceSelectionTest::selectsSlices()
{
    QFETCH(QString, rule);
    QFETCH(int, first);
    QFETCH(int, last);
    const std::vector<int> picked = selectSlices(head(), SliceSelection::parse(SlicePlane::Axial, rule.toStdString()));
    QCOMPARE(static_cast<int>(picked.size()), last - first + 1);
    QCOMPARE(picked.front(), first);
    QCOMPARE(picked.back(), last);
}

QTEST_APPLESS_MAIN(SliceSelectionTest)
#include "tst_sliceselection.moc"
