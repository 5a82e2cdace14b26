// The synthetic ADNI IDA download: the tree, the file names and the collection CSV must look like
// the real thing, and the summary must predict exactly what an import will find.
#include "DicomInspection.h"
#include "ExternalTools.h"
#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "dataset/MetadataCsv.h"
#include "synthetic/AdniDownload.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <regex>
#include <set>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

std::string fileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

AdniDownloadOptions smallOptions()
{
    AdniDownloadOptions o;
    o.subjectsPerClass = 2;
    o.smcSubjects = 1;
    o.visits = 2;
    o.inPlaneVoxels = 24;
    o.slices = 16;
    o.niftiFraction = 0.25;
    o.axialFraction = 0.25;
    o.obliqueFraction = 0.25;
    return o;
}

// Files under `folder` (recursively) whose names match.
std::vector<fs::path> filesMatching(const fs::path& folder, const std::regex& pattern)
{
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file() && std::regex_match(entry.path().filename().string(), pattern))
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

class AdniDownloadTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void treeHasExpectedCounts();
    void namesFollowIda();
    void csvDescribesEveryScan();
    void dicomHeadersMatchTheTree();
    void niftiScansAreReadable();
    void sameOptionsSameBytes();
    void rejectsBadOptions();

private:
    fs::path root() const { return toPath(m_dir.path()) / "download"; }
    QTemporaryDir m_dir;
    AdniDownloadSummary m_summary;
};

void AdniDownloadTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    int calls = 0;
    m_summary = writeSyntheticAdniDownload(root(), smallOptions(), nullptr, [&](int, int) { ++calls; });
    QCOMPARE(calls, 14);
}

void AdniDownloadTest::treeHasExpectedCounts()
{
    // 2 subjects in each of CN, MCI, AD and 1 SMC subject, 2 visits each.
    QCOMPARE(m_summary.subjects, 7);
    QCOMPARE(int(m_summary.scans.size()), 14);
    std::map<std::string, int> scansPerClass, filesPerClass;
    int nifti = 0, axial = 0, oblique = 0, dicomFiles = 0;
    for (const AdniScan& scan : m_summary.scans) {
        ++scansPerClass[scan.className];
        filesPerClass[scan.className] += scan.files;
        nifti += scan.kind == "NIfTI" ? 1 : 0;
        axial += scan.storedAxes == "LPS" ? 1 : 0;
        oblique += scan.obliqueDegrees != 0.0 ? 1 : 0;
        QCOMPARE(scan.slices, 16);
        if (scan.kind == "DICOM") {
            QCOMPARE(scan.files, 16);
            QVERIFY(fs::is_directory(scan.path));
            dicomFiles += int(std::distance(fs::directory_iterator(scan.path), fs::directory_iterator()));
        } else {
            QCOMPARE(scan.files, 1);
            QVERIFY(fs::is_regular_file(scan.path));
        }
    }
    QCOMPARE(scansPerClass, (std::map<std::string, int>{{"AD", 4}, {"CN", 4}, {"MCI", 4}, {"SMC", 2}}));
    QCOMPARE(nifti, 4); // round(0.25 * 14)
    QCOMPARE(axial, 4);
    QCOMPARE(oblique, 4);
    QCOMPARE(dicomFiles, 10 * 16);
    QCOMPARE(int(filesMatching(root(), std::regex(R"(.*\.dcm)")).size()), 10 * 16);
    QCOMPARE(int(filesMatching(root(), std::regex(R"(.*\.nii(\.gz)?)")).size()), 4);
    QCOMPARE(m_summary.files, 10 * 16 + 4);
    QCOMPARE(filesPerClass["SMC"] + filesPerClass["CN"] + filesPerClass["MCI"] + filesPerClass["AD"], m_summary.files);
    // Nothing else but the CSV and the ADNI folder at the root, and no temporary files anywhere.
    QCOMPARE(int(std::distance(fs::directory_iterator(root()), fs::directory_iterator())), 2);
    QVERIFY(fs::is_regular_file(m_summary.csvPath));
    QVERIFY(filesMatching(root(), std::regex(R"(.*\.part.*|\..*)")).empty());
}

void AdniDownloadTest::namesFollowIda()
{
    const std::regex dicomPath(R"(ADNI/(\d{3}_S_\d{4})/MPRAGE/(\d{4}-\d{2}-\d{2})_(\d{2})_(\d{2})_(\d{2})\.0/I(\d+)/)"
                               R"(ADNI_(\d{3}_S_\d{4})_MR_MPRAGE_br_raw_(\d{8})(\d{6})\d{3}_(\d+)_S(\d+)_I(\d+)\.dcm)");
    const std::regex niftiPath(R"(ADNI/(\d{3}_S_\d{4})/MPRAGE/(\d{4}-\d{2}-\d{2})_\d{2}_\d{2}_\d{2}\.0/I(\d+)/)"
                               R"(ADNI_(\d{3}_S_\d{4})_MR_MPRAGE_br_raw_\d{17}_S(\d+)_I(\d+)\.nii(\.gz)?)");
    std::set<long long> imageIds;
    for (const AdniScan& scan : m_summary.scans) {
        QVERIFY(imageIds.insert(scan.imageId).second);
        if (scan.kind == "NIfTI") {
            std::smatch m;
            const std::string relative = fs::relative(scan.path, root()).generic_string();
            QVERIFY2(std::regex_match(relative, m, niftiPath), relative.c_str());
            QCOMPARE(m[1].str(), scan.subject);
            QCOMPARE(m[4].str(), scan.subject);
            QCOMPARE(std::stoll(m[3]), scan.imageId);
            QCOMPARE(std::stoll(m[6]), scan.imageId);
            QCOMPARE(std::stoll(m[5]), scan.seriesId);
            continue;
        }
        std::set<int> numbers;
        for (const auto& entry : fs::directory_iterator(scan.path)) {
            std::smatch m;
            const std::string relative = fs::relative(entry.path(), root()).generic_string();
            QVERIFY2(std::regex_match(relative, m, dicomPath), relative.c_str());
            QCOMPARE(m[1].str(), scan.subject);
            QCOMPARE(m[7].str(), scan.subject);
            QCOMPARE(std::stoll(m[6]), scan.imageId);
            QCOMPARE(std::stoll(m[12]), scan.imageId);
            QCOMPARE(std::stoll(m[11]), scan.seriesId);
            // The file stamp's date and time are the folder's.
            QCOMPARE(m[8].str(), std::regex_replace(m[2].str(), std::regex("-"), ""));
            QCOMPARE(m[9].str(), m[3].str() + m[4].str() + m[5].str());
            numbers.insert(std::stoi(m[10]));
        }
        QCOMPARE(int(numbers.size()), scan.slices);
        QCOMPARE(*numbers.begin(), 1);
        QCOMPARE(*numbers.rbegin(), scan.slices);
    }
}

void AdniDownloadTest::csvDescribesEveryScan()
{
    const auto rows = parseCsv(fileBytes(m_summary.csvPath));
    QCOMPARE(int(rows.size()), 1 + int(m_summary.scans.size()));
    QCOMPARE(rows[0], (std::vector<std::string>{"Image Data ID", "Subject", "Group", "Sex", "Age", "Visit", "Modality", "Description", "Type",
                                                "Acq Date", "Format", "Downloaded"}));
    const std::set<std::string> groups{"CN", "MCI", "EMCI", "LMCI", "AD", "SMC"};
    std::set<std::string> mciGroups;
    std::map<std::string, std::vector<std::string>> visitsBySubject;
    for (std::size_t n = 0; n < m_summary.scans.size(); ++n) {
        const AdniScan& scan = m_summary.scans[n];
        const std::vector<std::string>& row = rows[n + 1];
        QCOMPARE(int(row.size()), 12);
        QCOMPARE(row[0], "I" + std::to_string(scan.imageId));
        QCOMPARE(row[1], scan.subject);
        QCOMPARE(row[2], scan.group);
        QVERIFY(groups.count(row[2]));
        if (scan.className == "MCI")
            mciGroups.insert(row[2]);
        QVERIFY(row[3] == "M" || row[3] == "F");
        QVERIFY(std::stoi(row[4]) >= 60 && std::stoi(row[4]) <= 95);
        QCOMPARE(row[5], scan.visit);
        QCOMPARE(row[6], std::string("MRI"));
        QCOMPARE(row[7], std::string("MPRAGE"));
        QCOMPARE(row[8], std::string("Original"));
        QVERIFY2(std::regex_match(row[9], std::regex(R"([1-9]\d?/[1-9]\d?/20\d\d)")), row[9].c_str());
        QCOMPARE(row[9], scan.acqDate);
        QCOMPARE(row[10], std::string(scan.kind == "NIfTI" ? "NiFTI" : "DCM"));
        visitsBySubject[scan.subject].push_back(scan.visit);
    }
    QCOMPARE(int(mciGroups.size()), 2); // "MCI" and "EMCI" for two MCI subjects
    for (const auto& [subject, visits] : visitsBySubject) {
        QCOMPARE(int(visits.size()), 2);
        QVERIFY(visits[0] == "sc" || visits[0] == "bl");
        QCOMPARE(visits[1], std::string("m06"));
    }
    // NeuroDx's own metadata reader finds every image.
    const MetadataTable table = MetadataTable::load(m_summary.csvPath);
    QCOMPARE(int(table.size()), int(m_summary.scans.size()));
    for (const AdniScan& scan : m_summary.scans)
        QCOMPARE(table.find("I" + std::to_string(scan.imageId)).value().subject, scan.subject);
}

void AdniDownloadTest::dicomHeadersMatchTheTree()
{
    for (const AdniScan& scan : m_summary.scans) {
        if (scan.kind != "DICOM")
            continue;
        const fs::path first = fs::directory_iterator(scan.path)->path();
        DcmFileFormat file;
        QVERIFY(file.loadFile(first.string().c_str()).good());
        DcmDataset& ds = *file.getDataset();
        QCOMPARE(text(ds, DCM_PatientID), scan.subject);
        QCOMPARE(text(ds, DCM_SeriesDescription), std::string("MPRAGE"));
        QCOMPARE(text(ds, DCM_PixelRepresentation), std::string("0"));
        QVERIFY(text(ds, DCM_RescaleSlope).empty()); // integer scanner units, as ADNI's
        // StudyDate is the folder's date.
        const std::string folderDate = scan.path.parent_path().filename().string().substr(0, 10);
        QCOMPARE(text(ds, DCM_StudyDate), std::regex_replace(folderDate, std::regex("-"), ""));
        const std::string iop = text(ds, DCM_ImageOrientationPatient);
        if (scan.storedAxes == "PIR" && scan.obliqueDegrees == 0.0)
            QCOMPARE(iop, std::string("0\\1\\0\\0\\0\\-1")); // sagittal, as most ADNI MPRAGE
        if (scan.storedAxes == "LPS" && scan.obliqueDegrees == 0.0)
            QCOMPARE(iop, std::string("1\\0\\0\\0\\1\\0"));
    }
}

void AdniDownloadTest::niftiScansAreReadable()
{
    const Tools tools = findTools();
    if (tools.python.isEmpty())
        QSKIP("python3 with nibabel is missing: install python3-nibabel (scripts/bootstrap.sh)");
    int gzipped = 0;
    for (const AdniScan& scan : m_summary.scans) {
        if (scan.kind != "NIfTI")
            continue;
        gzipped += scan.path.extension() == ".gz" ? 1 : 0;
        const QJsonObject info = runNibabel(tools, scan.path, toPath(m_dir.path()) / "nifti.raw");
        QVERIFY2(!info.contains("error"), qPrintable(info["error"].toString()));
        QCOMPARE(jsonNumbers(info["shape"]), (std::vector<double>{24, 24, 16}));
        QCOMPARE(info["sform_code"].toInt(), 2);
        const std::vector<double> data = readDoubles(toPath(m_dir.path()) / "nifti.raw");
        QVERIFY(*std::max_element(data.begin(), data.end()) > 1000.0); // scanner units, not [0, 1]
    }
    QCOMPARE(gzipped, 2);
}

void AdniDownloadTest::sameOptionsSameBytes()
{
    AdniDownloadOptions options = smallOptions();
    options.subjectsPerClass = 1;
    options.smcSubjects = 0;
    options.visits = 1;
    options.niftiFraction = 0.5;
    const fs::path a = toPath(m_dir.path()) / "a", b = toPath(m_dir.path()) / "b";
    const AdniDownloadSummary first = writeSyntheticAdniDownload(a, options);
    const AdniDownloadSummary second = writeSyntheticAdniDownload(b, options);
    std::vector<std::string> filesA, filesB;
    for (const auto& entry : fs::recursive_directory_iterator(a))
        if (entry.is_regular_file())
            filesA.push_back(fs::relative(entry.path(), a).generic_string());
    for (const auto& entry : fs::recursive_directory_iterator(b))
        if (entry.is_regular_file())
            filesB.push_back(fs::relative(entry.path(), b).generic_string());
    std::sort(filesA.begin(), filesA.end());
    std::sort(filesB.begin(), filesB.end());
    QCOMPARE(filesA, filesB);
    QCOMPARE(int(filesA.size()), first.files + 1);
    for (const std::string& file : filesA)
        QVERIFY2(fileBytes(a / file) == fileBytes(b / file), file.c_str());
    options.seed = 43;
    const AdniDownloadSummary other = writeSyntheticAdniDownload(toPath(m_dir.path()) / "c", options);
    QVERIFY(other.scans.front().imageId != second.scans.front().imageId || other.scans.front().acqDate != second.scans.front().acqDate);
}

void AdniDownloadTest::rejectsBadOptions()
{
    AdniDownloadOptions options = smallOptions();
    options.visits = 6;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticAdniDownload(toPath(m_dir.path()) / "bad", options));
    options = smallOptions();
    options.niftiFraction = 1.5;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticAdniDownload(toPath(m_dir.path()) / "bad", options));
    options = smallOptions();
    options.subjectsPerClass = 0;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, writeSyntheticAdniDownload(toPath(m_dir.path()) / "bad", options));
}

QTEST_APPLESS_MAIN(AdniDownloadTest)
#include "tst_adnidownload.moc"
