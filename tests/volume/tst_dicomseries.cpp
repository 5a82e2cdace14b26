// Assembling DICOM series from headers: grouping by SeriesInstanceUID, order along the slice normal,
// and every irregularity a real archive holds (localizers, gaps, duplicates, echoes, mosaics...).
#include "volume/DicomSeries.h"

#include <QtTest>

#include <algorithm>
#include <random>

using namespace neurodx;

Q_DECLARE_METATYPE(neurodx::Vec3)

namespace {

struct StackSpec {
    Vec3 row{1, 0, 0};
    Vec3 column{0, 1, 0};
    int slices = 10;
    double spacing = 1.5;
    Vec3 origin{-10, 20, -30};
    std::string uid = "1.2.3";
    int rows = 8, columns = 6;
};

std::vector<DicomSliceHeader> stack(const StackSpec& spec, const std::string& prefix = "f")
{
    const Vec3 normal = cross(spec.row, spec.column);
    std::vector<DicomSliceHeader> headers;
    for (int s = 0; s < spec.slices; ++s) {
        DicomSliceHeader h;
        h.file = prefix + std::to_string(s) + ".dcm";
        h.seriesInstanceUid = spec.uid;
        h.sopInstanceUid = spec.uid + "." + prefix + std::to_string(s);
        h.rows = spec.rows;
        h.columns = spec.columns;
        h.pixelSpacing = std::array<double, 2>{0.9, 0.8};
        h.orientation = std::array<Vec3, 2>{spec.row, spec.column};
        h.framePositions = {Vec3{spec.origin[0] + s * spec.spacing * normal[0], spec.origin[1] + s * spec.spacing * normal[1],
                                 spec.origin[2] + s * spec.spacing * normal[2]}};
        h.instanceNumber = s + 1;
        headers.push_back(h);
    }
    return headers;
}

QString warnings(const DicomSeries& s)
{
    QString all;
    for (const std::string& w : s.warnings)
        all += QString::fromStdString(w) + "\n";
    return all;
}

} // namespace

class DicomSeriesTest : public QObject {
    Q_OBJECT
private slots:
    void ordersAlongTheNormalNotByNumberOrName_data();
    void ordersAlongTheNormalNotByNumberOrName();
    void groupsBySeriesUidNotByFolder();
    void fillsSmallGapsAndRefusesLargeOnes_data();
    void fillsSmallGapsAndRefusesLargeOnes();
    void reportsIrregularities_data();
    void reportsIrregularities();
    void refusesWhatIsNoVolume_data();
    void refusesWhatIsNoVolume();
    void readsEnhancedMultiFrameGeometry();
};

void DicomSeriesTest::ordersAlongTheNormalNotByNumberOrName_data()
{
    QTest::addColumn<Vec3>("row");
    QTest::addColumn<Vec3>("column");
    QTest::newRow("axial") << Vec3{1, 0, 0} << Vec3{0, 1, 0};
    QTest::newRow("sagittal (ADNI MPRAGE)") << Vec3{0, 1, 0} << Vec3{0, 0, -1};
    QTest::newRow("coronal") << Vec3{1, 0, 0} << Vec3{0, 0, -1};
    const double c = std::cos(0.3), s = std::sin(0.3);
    QTest::newRow("oblique") << Vec3{c, s, 0} << Vec3{0, 0, -1};
}

void DicomSeriesTest::ordersAlongTheNormalNotByNumberOrName()
{
    QFETCH(Vec3, row);
    QFETCH(Vec3, column);
    StackSpec spec;
    spec.row = row;
    spec.column = column;
    std::vector<DicomSliceHeader> headers = stack(spec);
    // Names and instance numbers say nothing about the position.
    std::mt19937 random(7);
    std::shuffle(headers.begin(), headers.end(), random);
    for (std::size_t i = 0; i < headers.size(); ++i) {
        headers[i].instanceNumber = static_cast<int>((i * 7) % headers.size());
        headers[i].file = "img" + std::to_string((i * 3) % headers.size()) + ".dcm";
    }
    const auto series = assembleDicomSeries(headers);
    QCOMPARE(series.size(), std::size_t{1});
    const DicomSeries& s = series.front();
    QVERIFY2(s.isUsable(), s.error.c_str());
    QCOMPARE(s.geometry.size, (std::array<int, 3>{6, 8, 10}));
    QCOMPARE(s.geometry.spacing[0], 0.8); // along a row: the column spacing
    QCOMPARE(s.geometry.spacing[1], 0.9);
    QVERIFY(std::abs(s.geometry.spacing[2] - 1.5) < 1e-9);
    for (int k = 0; k < 10; ++k) {
        const SeriesSlice& slice = s.slices[static_cast<std::size_t>(k)];
        const auto source = std::find_if(headers.begin(), headers.end(), [&](const DicomSliceHeader& h) { return h.file == slice.file; });
        const Vec3 expected = s.geometry.toPatient(0, 0, k);
        for (std::size_t c = 0; c < 3; ++c)
            QVERIFY(std::abs(source->framePositions[0][c] - expected[c]) < 1e-9);
        if (k > 0)
            QVERIFY(slice.offsetMm > s.slices[static_cast<std::size_t>(k - 1)].offsetMm);
    }
    QVERIFY(warnings(s).isEmpty());
}

void DicomSeriesTest::groupsBySeriesUidNotByFolder()
{
    StackSpec a, b;
    b.uid = "1.2.4";
    b.origin = {0, 0, 0};
    std::vector<DicomSliceHeader> headers = stack(a, "a");
    for (DicomSliceHeader& h : stack(b, "b"))
        headers.push_back(h);
    // Two series interleaved in one folder, one series spread over two folders.
    for (std::size_t i = 0; i < headers.size(); ++i)
        headers[i].file = std::filesystem::path(i % 2 ? "x" : "y") / headers[i].file;
    const auto series = assembleDicomSeries(headers);
    QCOMPARE(series.size(), std::size_t{2});
    for (const DicomSeries& s : series) {
        QVERIFY(s.isUsable());
        QCOMPARE(s.slices.size(), std::size_t{10});
        for (const SeriesSlice& slice : s.slices)
            QCOMPARE(slice.file.filename().string().front(), s.seriesInstanceUid == "1.2.3" ? 'a' : 'b');
    }
    DicomSliceHeader orphan = headers.front();
    orphan.seriesInstanceUid.clear();
    const auto alone = assembleDicomSeries({orphan});
    QVERIFY(!alone.front().isUsable());
    QVERIFY(QString::fromStdString(alone.front().error).contains("SeriesInstanceUID"));
}

void DicomSeriesTest::fillsSmallGapsAndRefusesLargeOnes_data()
{
    QTest::addColumn<QList<int>>("removed");
    QTest::addColumn<int>("missing"); // -1: refused
    QTest::newRow("one slice") << QList<int>{12} << 1;
    QTest::newRow("two apart") << QList<int>{5, 30} << 2;
    QTest::newRow("three in a row") << QList<int>{10, 11, 12} << 3;
    QTest::newRow("four in a row") << QList<int>{10, 11, 12, 13} << -1;
    QTest::newRow("too many") << QList<int>{3, 8, 13, 18, 23, 28} << -1;
}

void DicomSeriesTest::fillsSmallGapsAndRefusesLargeOnes()
{
    QFETCH(QList<int>, removed);
    QFETCH(int, missing);
    StackSpec spec;
    spec.slices = 40;
    std::vector<DicomSliceHeader> headers;
    const auto all = stack(spec);
    for (int s = 0; s < spec.slices; ++s)
        if (!removed.contains(s))
            headers.push_back(all[static_cast<std::size_t>(s)]);
    const DicomSeries s = assembleDicomSeries(headers).front();
    if (missing < 0) {
        QVERIFY(!s.isUsable());
        QVERIFY2(QString::fromStdString(s.error).contains("missing"), s.error.c_str());
        return;
    }
    QVERIFY2(s.isUsable(), s.error.c_str());
    QCOMPARE(s.geometry.size[2], 40);
    QCOMPARE(s.missingSlices(), missing);
    for (int k : removed)
        QCOMPARE(s.sliceAtIndex[static_cast<std::size_t>(k)], -1);
    QVERIFY2(warnings(s).contains("missing") && warnings(s).contains("interpolation"), qPrintable(warnings(s)));
}

void DicomSeriesTest::reportsIrregularities_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("warning");
    QTest::addColumn<int>("slices");
    QTest::newRow("localizer") << "localizer" << "localizer" << 10;
    QTest::newRow("odd stack") << "odd stack" << "another orientation" << 10;
    QTest::newRow("duplicate") << "duplicate" << "repeat a slice position" << 10;
    QTest::newRow("two echoes") << "echoes" << "2 volumes" << 10;
    QTest::newRow("no spacing") << "no spacing" << "1 mm pixels assumed" << 10;
}

void DicomSeriesTest::reportsIrregularities()
{
    QFETCH(QString, kind);
    QFETCH(QString, warning);
    QFETCH(int, slices);
    StackSpec spec;
    std::vector<DicomSliceHeader> headers = stack(spec);
    if (kind == "localizer") {
        StackSpec scout = spec;
        scout.row = {0, 1, 0};
        scout.column = {0, 0, -1};
        scout.slices = 3;
        for (DicomSliceHeader h : stack(scout, "scout")) {
            h.imageType = {"ORIGINAL", "PRIMARY", "LOCALIZER"};
            headers.push_back(h);
        }
    } else if (kind == "odd stack") {
        StackSpec odd = spec;
        odd.rows = 4;
        odd.slices = 1;
        headers.push_back(stack(odd, "odd").front());
    } else if (kind == "duplicate") {
        DicomSliceHeader copy = headers[4];
        copy.file = "copy.dcm";
        copy.instanceNumber = 99;
        headers.push_back(copy);
    } else if (kind == "echoes") {
        for (DicomSliceHeader& h : headers)
            h.echoNumber = 1;
        for (DicomSliceHeader h : stack(spec, "echo2_")) {
            h.echoNumber = 2;
            headers.push_back(h);
        }
    } else if (kind == "no spacing") {
        for (DicomSliceHeader& h : headers)
            h.pixelSpacing.reset();
    }
    const auto series = assembleDicomSeries(headers);
    QCOMPARE(series.size(), std::size_t{1});
    const DicomSeries& s = series.front();
    QVERIFY2(s.isUsable(), s.error.c_str());
    QCOMPARE(static_cast<int>(s.slices.size()), slices);
    QVERIFY2(warnings(s).contains(warning), qPrintable(warnings(s)));
    if (kind == "echoes")
        for (const SeriesSlice& slice : s.slices)
            QVERIFY2(slice.file.string().rfind("echo2_", 0) != 0, "the second echo was used");
    if (kind == "duplicate")
        QVERIFY(std::none_of(s.slices.begin(), s.slices.end(), [](const SeriesSlice& slice) { return slice.file == "copy.dcm"; }));
}

void DicomSeriesTest::refusesWhatIsNoVolume_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("reason");
    QTest::newRow("mosaic") << "mosaic" << "mosaic";
    QTest::newRow("single slice") << "single" << "single slice";
    QTest::newRow("no geometry") << "no geometry" << "cannot be placed";
    QTest::newRow("two stacks") << "two stacks" << "mixes image stacks";
    QTest::newRow("irregular spacing") << "irregular" << "irregular slice spacing";
    QTest::newRow("colour") << "colour" << "colour";
    QTest::newRow("only localizers") << "only localizers" << "only localizer";
}

void DicomSeriesTest::refusesWhatIsNoVolume()
{
    QFETCH(QString, kind);
    QFETCH(QString, reason);
    StackSpec spec;
    std::vector<DicomSliceHeader> headers = stack(spec);
    if (kind == "mosaic") {
        for (DicomSliceHeader& h : headers) {
            h.imageType = {"ORIGINAL", "PRIMARY", "M", "ND", "MOSAIC"};
            h.mosaicImages = 36;
        }
    } else if (kind == "single") {
        headers.resize(1);
        headers.push_back(headers.front()); // the same position twice is still one slice
        headers.back().file = "again.dcm";
    } else if (kind == "no geometry") {
        headers[3].framePositions.clear();
    } else if (kind == "two stacks") {
        StackSpec other = spec;
        other.row = {0, 1, 0};
        other.column = {0, 0, -1};
        for (const DicomSliceHeader& h : stack(other, "sag"))
            headers.push_back(h);
    } else if (kind == "irregular") {
        headers[5].framePositions[0][2] += 0.7; // 1.5 mm steps with one of 2.2 and one of 0.8
    } else if (kind == "colour") {
        for (DicomSliceHeader& h : headers)
            h.samplesPerPixel = 3;
    } else if (kind == "only localizers") {
        for (DicomSliceHeader& h : headers)
            h.imageType = {"ORIGINAL", "PRIMARY", "LOCALIZER"};
    }
    const auto series = assembleDicomSeries(headers);
    QCOMPARE(series.size(), std::size_t{1});
    QVERIFY(!series.front().isUsable());
    QVERIFY2(QString::fromStdString(series.front().error).contains(reason), series.front().error.c_str());
    QCOMPARE(series.front().files.size(), headers.size());
}

void DicomSeriesTest::readsEnhancedMultiFrameGeometry()
{
    StackSpec spec;
    spec.row = {0, 1, 0};
    spec.column = {0, 0, -1};
    const auto planes = stack(spec);
    DicomSliceHeader file = planes.front();
    file.file = "enhanced.dcm";
    file.frames = static_cast<int>(planes.size());
    file.isEnhancedMultiFrame = true;
    file.framePositions.clear();
    for (std::size_t f = planes.size(); f-- > 0;) // frames stored from the last position to the first
        file.framePositions.push_back(planes[f].framePositions[0]);
    file.frameRescale.assign(planes.size(), {2.0, -5.0});
    const DicomSeries s = assembleDicomSeries({file}).front();
    QVERIFY2(s.isUsable(), s.error.c_str());
    QVERIFY(s.isMultiFrame());
    QCOMPARE(s.slices.size(), planes.size());
    for (std::size_t k = 0; k < s.slices.size(); ++k) {
        QCOMPARE(s.slices[k].frame, static_cast<int>(planes.size() - 1 - k));
        QVERIFY(s.slices[k].frameRescale);
        QCOMPARE(s.slices[k].rescale[0], 2.0);
    }
}

QTEST_APPLESS_MAIN(DicomSeriesTest)
#include "tst_dicomseries.moc"
