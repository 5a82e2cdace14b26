#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"
#include "dataset/Split.h"
#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"
#include "synthetic/PhantomGenerator.h"

#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

std::string fileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Fraction of dark (CSF-like) pixels in the central box of a [0, 1] slice: the ventricles.
double centralCsfFraction(const cv::Mat& unit)
{
    const int s = unit.cols;
    const cv::Mat centre = unit(cv::Rect(s * 3 / 8, s / 4, s / 4, s * 3 / 8));
    return double(cv::countNonZero(centre < 0.25)) / double(centre.total());
}

// 1-nearest-neighbour accuracy on 32x32 thumbnails: train on one part, test on another.
double nearestNeighbourAccuracy(const DatasetIndex& index, const DatasetSplit& split)
{
    const auto thumbnail = [&](std::size_t e) {
        const cv::Mat unit = modelInput(loadSlice(index.absolutePath(index.entries[e])), {32, 1});
        return unit.reshape(1, 1).clone();
    };
    std::vector<cv::Mat> train;
    for (std::size_t e : split.part(SplitPart::Train))
        train.push_back(thumbnail(e));
    int correct = 0;
    for (std::size_t e : split.part(SplitPart::Test)) {
        const cv::Mat query = thumbnail(e);
        double best = 1e300;
        int label = -1;
        for (std::size_t i = 0; i < train.size(); ++i) {
            const double d = cv::norm(query, train[i], cv::NORM_L2SQR);
            if (d < best) {
                best = d;
                label = index.entries[split.part(SplitPart::Train)[i]].label;
            }
        }
        correct += label == index.entries[e].label ? 1 : 0;
    }
    return double(correct) / double(split.part(SplitPart::Test).size());
}

} // namespace

class PhantomGeneratorTest : public QObject {
    Q_OBJECT
private slots:
    void sameSeedWritesIdenticalFiles_data();
    void sameSeedWritesIdenticalFiles();
    void otherSeedWritesOtherImages();
    void scanFindsExactCounts();
    void classSignalIsPresent();
    void sliceSplitOverestimatesAccuracy();
    void dicomPhantomsCarryMrMetadata();
    void rejectsBadOptions();
};

void PhantomGeneratorTest::sameSeedWritesIdenticalFiles_data()
{
    QTest::addColumn<int>("format");
    QTest::newRow("png") << int(PhantomOptions::Format::Png);
    QTest::newRow("dicom") << int(PhantomOptions::Format::Dicom);
}

void PhantomGeneratorTest::sameSeedWritesIdenticalFiles()
{
    QFETCH(int, format);
    QTemporaryDir a, b;
    PhantomOptions options;
    options.subjectsPerClass = 2;
    options.slicesPerSubject = 3;
    options.size = 64;
    options.format = PhantomOptions::Format(format);
    const auto first = writeSyntheticDataset(toPath(a.path()), options);
    const auto second = writeSyntheticDataset(toPath(b.path()), options);
    QCOMPARE(first.files, second.files);
    QCOMPARE(first.images, 18);
    for (const std::string& file : first.files)
        QVERIFY2(fileBytes(toPath(a.path()) / file) == fileBytes(toPath(b.path()) / file), file.c_str());
    QCOMPARE(fileBytes(toPath(a.path()) / "metadata.csv"), fileBytes(toPath(b.path()) / "metadata.csv"));
}

void PhantomGeneratorTest::otherSeedWritesOtherImages()
{
    const PhantomSubject s1 = drawPhantomSubject(1, 0, 0.0, 0.5);
    const PhantomSubject s2 = drawPhantomSubject(2, 0, 0.0, 0.5);
    const cv::Mat a = renderPhantomSlice(s1, 0.5, 64, 9);
    const cv::Mat b = renderPhantomSlice(s2, 0.5, 64, 9);
    QVERIFY(cv::norm(a, b, cv::NORM_L1) > 0.05 * a.total());
    QCOMPARE(cv::norm(a, renderPhantomSlice(s1, 0.5, 64, 9), cv::NORM_INF), 0.0);
}

void PhantomGeneratorTest::scanFindsExactCounts()
{
    QTemporaryDir dir;
    PhantomOptions options;
    options.subjectsPerClass = 5;
    options.slicesPerSubject = 4;
    options.size = 48;
    options.format = PhantomOptions::Format::Mixed;
    writeSyntheticDataset(toPath(dir.path()), options);
    const DatasetIndex index = scanDataset(toPath(dir.path()));
    QCOMPARE(index.entries.size(), std::size_t{60});
    for (const ClassSummary& c : index.classSummaries()) {
        QCOMPARE(c.images, std::size_t{20});
        QCOMPARE(c.subjects, std::size_t{5});
        QCOMPARE(c.imagesWithoutSubject, std::size_t{0});
    }
    QVERIFY(index.formatCounts().at("png") > 0 && index.formatCounts().at("dicom") > 0);
    // The metadata CSV agrees with the folders and names the same subjects.
    ScanOptions withCsv;
    withCsv.metadataCsv = toPath(dir.path()) / "metadata.csv";
    const DatasetIndex viaCsv = scanDataset(toPath(dir.path()), withCsv);
    QCOMPARE(viaCsv.entries.size(), index.entries.size());
    for (std::size_t i = 0; i < index.entries.size(); ++i)
        QCOMPARE(viaCsv.entries[i].subject, index.entries[i].subject);
    QVERIFY(std::none_of(viaCsv.warnings.begin(), viaCsv.warnings.end(), [](const std::string& w) { return w.find("disagrees") != std::string::npos; }));
}

void PhantomGeneratorTest::classSignalIsPresent()
{
    // Ventricles enlarge from CN to AD on average, even though individuals overlap.
    std::array<double, 3> mean{};
    const int subjects = 30;
    for (int label = 0; label < 3; ++label) {
        for (int i = 0; i < subjects; ++i) {
            const PhantomSubject s = drawPhantomSubject(42, label * 100 + i, label / 2.0, 0.5);
            mean[static_cast<std::size_t>(label)] += centralCsfFraction(renderPhantomSlice(s, 0.58, 96, 1)) / subjects;
        }
    }
    QVERIFY2(mean[0] < mean[1] && mean[1] < mean[2], qPrintable(QString("%1 %2 %3").arg(mean[0]).arg(mean[1]).arg(mean[2])));
    QVERIFY(mean[2] > 1.5 * mean[0]);
}

void PhantomGeneratorTest::sliceSplitOverestimatesAccuracy()
{
    // The generator's subject-specific anatomy makes a slice-level split leak: a test slice's
    // nearest neighbour is usually a slice of the same person. A classifier that only recognises
    // people scores far better with the slice split than with the honest subject split.
    QTemporaryDir dir;
    PhantomOptions options;
    options.subjectsPerClass = 12;
    options.slicesPerSubject = 8;
    options.size = 64;
    writeSyntheticDataset(toPath(dir.path()), options);
    const DatasetIndex index = scanDataset(toPath(dir.path()));
    SplitConfig bySlice;
    bySlice.mode = SplitMode::BySlice;
    bySlice.ratios = {0.7, 0.0, 0.3};
    SplitConfig bySubject = bySlice;
    bySubject.mode = SplitMode::BySubject;
    const double sliceAccuracy = nearestNeighbourAccuracy(index, splitDataset(index, bySlice));
    const double subjectAccuracy = nearestNeighbourAccuracy(index, splitDataset(index, bySubject));
    qInfo("1-NN accuracy: slice split %.3f, subject split %.3f", sliceAccuracy, subjectAccuracy);
    QVERIFY2(sliceAccuracy > subjectAccuracy + 0.2, qPrintable(QString("%1 vs %2").arg(sliceAccuracy).arg(subjectAccuracy)));
    QVERIFY(sliceAccuracy > 0.8);
}

void PhantomGeneratorTest::dicomPhantomsCarryMrMetadata()
{
    QTemporaryDir dir;
    PhantomOptions options;
    options.subjectsPerClass = 1;
    options.slicesPerSubject = 1;
    options.size = 32;
    options.format = PhantomOptions::Format::Dicom;
    const auto summary = writeSyntheticDataset(toPath(dir.path()), options);
    const Slice slice = loadSlice(toPath(dir.path()) / summary.files.front());
    QCOMPARE(QString::fromStdString(slice.info.modality), QStringLiteral("MR"));
    QCOMPARE(slice.info.bitsStored, 12);
    QVERIFY(slice.info.windowWidth.has_value());
    QCOMPARE(slice.info.pixelSpacingRow.value_or(0), 8.0);
}

void PhantomGeneratorTest::rejectsBadOptions()
{
    QTemporaryDir dir;
    PhantomOptions options;
    options.size = 8;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticDataset(toPath(dir.path()), options));
    options = {};
    options.difficulty = 2.0;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticDataset(toPath(dir.path()), options));
    options = {};
    options.classNames = {"CN"};
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticDataset(toPath(dir.path()), options));
}

QTEST_APPLESS_MAIN(PhantomGeneratorTest)
#include "tst_phantomgenerator.moc"
