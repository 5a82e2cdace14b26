// An IDA-like download (DICOM series and NIfTI, visits, EMCI/LMCI/SMC groups, the collection CSV)
// imported into the class-folder layout: exact counts, names that keep subject and slice, a
// manifest that traces every slice, resumable runs, damaged scans that leave nothing behind.
#include "TestTree.h"

#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "dataset/DatasetScanner.h"
#include "dataset/MetadataCsv.h"
#include "dataset/SubjectId.h"
#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"
#include "import/ScanImport.h"
#include "synthetic/AdniDownload.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <set>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

constexpr int kSlicesPerScan = 6;

AdniDownloadOptions downloadOptions()
{
    AdniDownloadOptions o;
    o.subjectsPerClass = 2;
    o.smcSubjects = 1;
    o.visits = 2;
    o.inPlaneVoxels = 32;
    o.slices = 30;
    o.niftiFraction = 0.3;
    o.obliqueFraction = 0.2;
    o.axialFraction = 0.2;
    return o;
}

ImportOptions importOptions(const AdniDownloadSummary& download, const fs::path& output)
{
    ImportOptions o;
    o.source = download.root;
    o.output = output;
    o.metadataCsv = download.csvPath;
    o.slices = SliceSelection::parse(SlicePlane::Axial, "central:" + std::to_string(kSlicesPerScan));
    return o;
}

std::vector<std::map<std::string, std::string>> readManifest(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto rows = parseCsv(text);
    std::vector<std::map<std::string, std::string>> out;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        std::map<std::string, std::string> row;
        for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
            row[rows[0][c]] = rows[r][c];
        out.push_back(row);
    }
    return out;
}

std::size_t pngCount(const fs::path& root)
{
    std::size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        count += entry.path().extension() == ".png";
    return count;
}

} // namespace

class ScanImportTest : public QObject {
    Q_OBJECT
private slots:
    void init();
    void planFindsEveryScanWithItsIdentity();
    void importGivesExactCountsPerClass();
    void manifestTracesEverySlice();
    void slicesGiveTheModelInputOfTheirScan();
    void rerunSkipsFinishedScansAndResumes();
    void damagedScanIsReportedAndLeavesNothing();
    void cancelLeavesNoHalfScan();
    void baselineOnlyKeepsEachSubjectsFirstVisit();
    void classesFromFoldersWithoutCsv();
    void otherOptionsIntoTheSameFolderAreRefused();

private:
    fs::path dir() const { return toPath(m_dir->path()); }
    std::unique_ptr<QTemporaryDir> m_dir;
    AdniDownloadSummary m_download;
};

void ScanImportTest::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_download = writeSyntheticAdniDownload(dir() / "download", downloadOptions());
}

void ScanImportTest::planFindsEveryScanWithItsIdentity()
{
    const ImportPlan plan = planImport(importOptions(m_download, dir() / "out"));
    QCOMPARE(plan.scans.size(), m_download.scans.size());
    QVERIFY(!fs::exists(dir() / "out")); // planning writes nothing
    for (const AdniScan& written : m_download.scans) {
        const std::string id = "I" + std::to_string(written.imageId);
        const auto planned = std::find_if(plan.scans.begin(), plan.scans.end(), [&](const PlannedScan& s) { return s.imageDataId == id; });
        QVERIFY2(planned != plan.scans.end(), id.c_str());
        QCOMPARE(planned->subject, written.subject);
        QCOMPARE(planned->visit, written.visit);
        QCOMPARE(planned->group, written.group);
        QCOMPARE(planned->source.kind == ScanSource::Kind::Nifti, written.kind == "NIfTI");
        if (written.className == "SMC") {
            QVERIFY2(QString::fromStdString(planned->skipReason).contains("SMC"), planned->skipReason.c_str());
        } else {
            QVERIFY2(planned->willImport(), planned->skipReason.c_str());
            QCOMPARE(plan.classNames[static_cast<std::size_t>(planned->label)], written.className);
        }
    }
    QCOMPARE(plan.countSkipped(), static_cast<std::size_t>(downloadOptions().smcSubjects * downloadOptions().visits));
}

void ScanImportTest::importGivesExactCountsPerClass()
{
    const ImportPlan plan = planImport(importOptions(m_download, dir() / "out"));
    const ImportResult result = runImport(plan);
    QVERIFY(result.failures.empty());
    const std::size_t imported = m_download.scans.size() - static_cast<std::size_t>(downloadOptions().smcSubjects * downloadOptions().visits);
    QCOMPARE(result.scansImported, imported);
    QCOMPARE(result.slicesWritten, imported * kSlicesPerScan);
    QCOMPARE(pngCount(dir() / "out"), imported * kSlicesPerScan);

    const DatasetIndex index = scanDataset(dir() / "out");
    QVERIFY2(index.skipped.empty(), index.skipped.empty() ? "" : index.skipped.front().reason.c_str()); // import.json, manifest: not junk
    const auto summaries = index.classSummaries();
    for (int label = 0; label < 3; ++label) {
        std::set<std::string> subjects;
        std::size_t scans = 0;
        for (const AdniScan& s : m_download.scans)
            if (s.className == index.classNames[static_cast<std::size_t>(label)]) {
                subjects.insert(s.subject);
                ++scans;
            }
        QCOMPARE(summaries[static_cast<std::size_t>(label)].images, scans * kSlicesPerScan);
        QCOMPARE(summaries[static_cast<std::size_t>(label)].subjects, subjects.size());
        QCOMPARE(summaries[static_cast<std::size_t>(label)].imagesWithoutSubject, std::size_t{0});
    }
    for (const DatasetEntry& e : index.entries)
        QVERIFY2(e.sliceIndex.has_value(), e.path.c_str()); // the slice index survives in the name
    QCOMPARE(importedSliceSelection(dir() / "out")->toJson(), plan.options.slices.toJson());
}

void ScanImportTest::manifestTracesEverySlice()
{
    const ImportResult result = runImport(planImport(importOptions(m_download, dir() / "out")));
    const auto rows = readManifest(result.manifest);
    QCOMPARE(rows.size(), result.slicesInManifest);
    QCOMPARE(rows.size(), result.slicesWritten);
    for (const auto& row : rows) {
        QVERIFY2(fs::exists(dir() / "out" / row.at("file")), row.at("file").c_str());
        QCOMPARE(subjectIdFromPath(row.at("file")).value_or(""), row.at("subject"));
        QCOMPARE(identityFromPath(row.at("file")).sliceIndex.value_or(-1), std::stoi(row.at("slice_index")));
        QVERIFY(fs::exists(m_download.root / row.at("source")));
        QCOMPARE(row.at("plane"), std::string("axial"));
        const bool nifti = endsWith(row.at("source"), ".nii") || endsWith(row.at("source"), ".nii.gz");
        QCOMPARE(row.at("series_instance_uid").empty(), nifti);
        // Axial acquisitions: every slice is exactly one file, which the manifest names.
        const auto scan = std::find_if(m_download.scans.begin(), m_download.scans.end(),
                                       [&](const AdniScan& s) { return "I" + std::to_string(s.imageId) == row.at("image_id"); });
        QVERIFY(scan != m_download.scans.end());
        const bool oneFilePerSlice = scan->kind == "DICOM" && scan->storedAxes == "LPS" && scan->obliqueDegrees == 0.0;
        QCOMPARE(!row.at("source_file").empty(), oneFilePerSlice);
    }
}

void ScanImportTest::slicesGiveTheModelInputOfTheirScan()
{
    const ImportResult result = runImport(planImport(importOptions(m_download, dir() / "out")));
    const auto rows = readManifest(result.manifest);
    const PreprocessConfig input{24, 1};
    for (std::size_t r = 0; r < rows.size(); r += 17) {
        const Volume volume = openScan(m_download.root / rows[r].at("source"));
        const Slice fromVolume = volumeSlice(volume, SlicePlane::Axial, std::stoi(rows[r].at("slice_index")));
        const Slice fromPng = loadSlice(dir() / "out" / rows[r].at("file"));
        cv::Mat difference;
        cv::absdiff(modelInput(fromVolume, input), modelInput(fromPng, input), difference);
        double worst = 0;
        cv::minMaxLoc(difference, nullptr, &worst);
        QVERIFY2(worst <= 0.5 / 255.0 + 1e-6, qPrintable(QString::fromStdString(rows[r].at("file")) + ": " + QString::number(worst)));
    }
}

void ScanImportTest::rerunSkipsFinishedScansAndResumes()
{
    const ImportOptions options = importOptions(m_download, dir() / "out");
    const ImportResult first = runImport(planImport(options));
    // Simulate an interrupted run: one scan's slices and its manifest part are gone.
    const auto rows = readManifest(first.manifest);
    const std::string lostImage = rows.front().at("image_id");
    for (const auto& row : rows)
        if (row.at("image_id") == lostImage)
            fs::remove(dir() / "out" / row.at("file"));
    fs::remove(dir() / "out" / ".neurodx-import" / (lostImage + ".csv"));

    const ImportPlan again = planImport(options);
    QCOMPARE(again.countToImport(), std::size_t{1});
    QCOMPARE(again.countAlreadyImported(), first.scansImported - 1);
    const ImportResult second = runImport(again);
    QCOMPARE(second.scansImported, std::size_t{1});
    QCOMPARE(second.slicesWritten, static_cast<std::size_t>(kSlicesPerScan));
    QCOMPARE(second.slicesInManifest, first.slicesInManifest);
    QCOMPARE(readManifest(second.manifest), rows);
}

void ScanImportTest::damagedScanIsReportedAndLeavesNothing()
{
    // Truncate every file of one DICOM series in the middle of its pixel data.
    const auto victim = std::find_if(m_download.scans.begin(), m_download.scans.end(),
                                     [](const AdniScan& s) { return s.kind == "DICOM" && s.className != "SMC"; });
    for (const auto& entry : fs::directory_iterator(victim->path))
        fs::resize_file(entry.path(), fs::file_size(entry.path()) - 500);
    const ImportResult result = runImport(planImport(importOptions(m_download, dir() / "out")));
    QCOMPARE(result.failures.size(), std::size_t{1});
    QVERIFY2(QString::fromStdString(result.failures.front().reason).contains("truncated"), result.failures.front().reason.c_str());
    const std::string id = "I" + std::to_string(victim->imageId);
    for (const auto& entry : fs::recursive_directory_iterator(dir() / "out"))
        QVERIFY2(entry.path().filename().string().find(id) == std::string::npos, entry.path().c_str());
    QCOMPARE(pngCount(dir() / "out"), result.slicesWritten);
    QCOMPARE(result.slicesInManifest, result.slicesWritten);
}

void ScanImportTest::cancelLeavesNoHalfScan()
{
    CancelToken cancel;
    const ImportPlan plan = planImport(importOptions(m_download, dir() / "out"));
    try {
        runImport(plan, &cancel, [&](const ImportProgress& p) {
            if (p.scansDone == 3)
                cancel.cancel();
        });
        QFAIL("the import went on after cancel");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::Cancelled);
    }
    // Every PNG left belongs to a finished scan (one with its manifest part).
    std::size_t parts = 0;
    for (const auto& entry : fs::directory_iterator(dir() / "out" / ".neurodx-import"))
        parts += entry.path().extension() == ".csv";
    QVERIFY(parts >= 3 && parts <= 4);
    QCOMPARE(pngCount(dir() / "out"), parts * kSlicesPerScan);
    for (const auto& entry : fs::recursive_directory_iterator(dir() / "out"))
        QVERIFY2(entry.path().extension() != ".part", entry.path().c_str());
}

void ScanImportTest::baselineOnlyKeepsEachSubjectsFirstVisit()
{
    ImportOptions options = importOptions(m_download, dir() / "out");
    options.baselineOnly = true;
    const ImportPlan plan = planImport(options);
    std::map<std::string, std::string> kept;
    for (const PlannedScan& s : plan.scans)
        if (s.willImport()) {
            QVERIFY2(!kept.count(s.subject), s.subject.c_str());
            kept[s.subject] = s.visit;
        } else if (s.label >= 0) {
            QVERIFY2(QString::fromStdString(s.skipReason).contains("first visit"), s.skipReason.c_str());
        }
    QCOMPARE(kept.size(), static_cast<std::size_t>(3 * downloadOptions().subjectsPerClass));
    for (const auto& [subject, visit] : kept)
        QVERIFY2(visit == "bl" || visit == "sc", visit.c_str());
}

void ScanImportTest::classesFromFoldersWithoutCsv()
{
    // The same scans sorted by hand into class folders, no CSV.
    const fs::path sorted = dir() / "sorted";
    for (const AdniScan& s : m_download.scans) {
        const fs::path target = sorted / s.className / s.path.filename();
        fs::create_directories(target.parent_path());
        fs::copy(s.path, target, fs::copy_options::recursive);
    }
    ImportOptions options = importOptions(m_download, dir() / "out");
    options.source = sorted;
    options.metadataCsv.reset();
    const ImportPlan plan = planImport(options);
    QCOMPARE(plan.scans.size(), m_download.scans.size());
    for (const PlannedScan& s : plan.scans) {
        const std::string folder = fs::path(s.relativePath).begin()->string();
        if (folder == "SMC")
            QVERIFY(!s.willImport());
        else
            QCOMPARE(plan.classNames[static_cast<std::size_t>(s.label)], folder);
        QVERIFY2(s.subject.find("_S_") != std::string::npos, s.subject.c_str()); // from the ADNI names
    }
}

void ScanImportTest::otherOptionsIntoTheSameFolderAreRefused()
{
    ImportOptions options = importOptions(m_download, dir() / "out");
    runImport(planImport(options));
    options.slices = SliceSelection::parse(SlicePlane::Coronal, "all");
    try {
        planImport(options);
        QFAIL("a second import with other options was accepted");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.file(), dir() / "out" / "import.json");
        QVERIFY2(QString(e.what()).contains("other options"), e.what());
    }
}

QTEST_GUILESS_MAIN(ScanImportTest)
#include "tst_scanimport.moc"
