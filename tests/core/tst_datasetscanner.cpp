#include "TestTree.h"

#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class DatasetScannerTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void countsImagesAndSubjectsPerClass();
    void entriesCarryFormatAndSubjectSource_data();
    void entriesCarryFormatAndSubjectSource();
    void skipsJunkWithReasons_data();
    void skipsJunkWithReasons();
    void reportsUnassignedFolders();
    void hashesNonAdniPatientIds();
    void jsonHasTheDocumentedShape();
    void metadataCsvSuppliesSubjectsAndClasses();
    void customClassOrder();
    void reportsProgressAndCancels();
    void badRootsAreClearErrors();

private:
    QTemporaryDir m_dir;
    fs::path m_root;
    DatasetIndex m_index;
};

void DatasetScannerTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = toPath(m_dir.path()) / "ADNI export";
    // CN: five images, three subjects, one image without subject.
    writePng(m_root / "CN/002_S_0001/ADNI_002_S_0001_MR_Axial_I101.png", 1);
    writePng(m_root / "CN/002_S_0001/ADNI_002_S_0001_MR_Axial_I102.png", 2);
    writeSmallDicom(m_root / "CN/002_S_0002/scan.dcm");
    writePng(m_root / "Normal/CN100_S_0003a050.png", 3);
    writeImage(m_root / "CN/nested/deeper/slice.jpg", rampImage(16, 16, CV_8UC1, 1.0));
    // MCI: four images, three subjects; formats by content, not extension.
    DicomWriteOptions bare;
    bare.withMetaHeader = false;
    bare.encoding = DicomEncoding::ImplicitLittleEndian;
    writeSmallDicom(m_root / "MCI/003_S_0004/IM0001", bare);
    writeImage(m_root / "MCI/003_S_0004/img.bmp", rampImage(16, 16, CV_8UC1, 2.0));
    writeImage(m_root / "MCI/003_S_0005/img.tif", rampImage(16, 16, CV_16UC1, 100.0));
    writePng(m_root / "mci/MCI003_S_0006a100.png", 4); // a second folder spelling of the same class
    // AD: five images, three subjects (two by DICOM PatientID).
    writePng(m_root / "AD/AD136_S_0426a120.png", 5);
    writePng(m_root / "AD/AD136_S_0426a121.png", 6);
    DicomWriteOptions anonymous;
    anonymous.patientId = "ANON123";
    writeSmallDicom(m_root / "AD/series1/a.dcm", anonymous);
    writeSmallDicom(m_root / "AD/series2/b.dcm", anonymous);
    DicomWriteOptions adniId;
    adniId.patientId = "005_S_0007";
    writeSmallDicom(m_root / "AD/series3/c.dcm", adniId);

    // Junk that must be skipped with a reason.
    writeBytes(m_root / "CN/.DS_Store", "Bud1");
    writeBytes(m_root / "CN/._ADNI_002_S_0001_MR_Axial_I101.png", "\x00\x05\x16\x07");
    writeBytes(m_root / "CN/Thumbs.db", "thumbs");
    writePng(m_root / "CN/.hidden.png");
    writeBytes(m_root / "CN/empty.png", "");
    writeBytes(m_root / "CN/notes.txt", "scanner notes");
    writeBytes(m_root / "AD/fake.png", "this is not a PNG");
    writeBytes(m_root / "AD/report.dcm", dicomWithoutPixelData("SR"));
    writePng(m_root / "CN/.git/objects/x.png");
    writePng(m_root / "__MACOSX/CN/._a.png");
    writePng(m_root / "loose.png");
    writePng(m_root / "Other/002_S_9999/x.png");
    writePng(m_root / "Other/y.png");

    m_index = scanDataset(m_root);
}

void DatasetScannerTest::countsImagesAndSubjectsPerClass()
{
    const auto summaries = m_index.classSummaries();
    QCOMPARE(summaries.size(), std::size_t{3});
    QCOMPARE(summaries[0].images, std::size_t{5});
    QCOMPARE(summaries[0].subjects, std::size_t{3});
    QCOMPARE(summaries[0].imagesWithoutSubject, std::size_t{1});
    QCOMPARE(summaries[1].images, std::size_t{4});
    QCOMPARE(summaries[1].subjects, std::size_t{3});
    QCOMPARE(summaries[2].images, std::size_t{5});
    QCOMPARE(summaries[2].subjects, std::size_t{3});
    QCOMPARE(m_index.entries.size(), std::size_t{14});
    QCOMPARE(m_index.totalSubjects(), std::size_t{9});
    QVERIFY(std::is_sorted(m_index.entries.begin(), m_index.entries.end(), [](const auto& a, const auto& b) { return a.path < b.path; }));
}

void DatasetScannerTest::entriesCarryFormatAndSubjectSource_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("source");
    QTest::addColumn<int>("label");
    QTest::newRow("adni png") << "CN/002_S_0001/ADNI_002_S_0001_MR_Axial_I101.png" << "png" << "002_S_0001" << "file_name" << 0;
    QTest::newRow("folder subject") << "CN/002_S_0002/scan.dcm" << "dicom" << "002_S_0002" << "folder_name" << 0;
    QTest::newRow("alias folder, axial name") << "Normal/CN100_S_0003a050.png" << "png" << "100_S_0003" << "file_name" << 0;
    QTest::newRow("jpeg without subject") << "CN/nested/deeper/slice.jpg" << "jpeg" << "" << "none" << 0;
    QTest::newRow("bare dicom, no extension") << "MCI/003_S_0004/IM0001" << "dicom" << "003_S_0004" << "folder_name" << 1;
    QTest::newRow("bmp") << "MCI/003_S_0004/img.bmp" << "bmp" << "003_S_0004" << "folder_name" << 1;
    QTest::newRow("tiff") << "MCI/003_S_0005/img.tif" << "tiff" << "003_S_0005" << "folder_name" << 1;
    QTest::newRow("adni patient id") << "AD/series3/c.dcm" << "dicom" << "005_S_0007" << "dicom_patient_id" << 2;
}

void DatasetScannerTest::entriesCarryFormatAndSubjectSource()
{
    QFETCH(QString, path);
    QFETCH(QString, format);
    QFETCH(QString, subject);
    QFETCH(QString, source);
    QFETCH(int, label);
    const auto it = std::find_if(m_index.entries.begin(), m_index.entries.end(), [&](const DatasetEntry& e) { return e.path == path.toStdString(); });
    QVERIFY2(it != m_index.entries.end(), qPrintable(path));
    QCOMPARE(QString(imageFormatName(it->format)), format);
    QCOMPARE(QString::fromStdString(it->subject), subject);
    QCOMPARE(QString(subjectSourceName(it->subjectSource)), source);
    QCOMPARE(it->label, label);
}

void DatasetScannerTest::skipsJunkWithReasons_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    QTest::newRow("ds_store") << "CN/.DS_Store" << "macOS folder metadata";
    QTest::newRow("appledouble") << "CN/._ADNI_002_S_0001_MR_Axial_I101.png" << "AppleDouble";
    QTest::newRow("thumbs") << "CN/Thumbs.db" << "Windows thumbnail cache";
    QTest::newRow("hidden file") << "CN/.hidden.png" << "hidden file";
    QTest::newRow("empty") << "CN/empty.png" << "empty file";
    QTest::newRow("text") << "CN/notes.txt" << "not an image";
    QTest::newRow("fake png") << "AD/fake.png" << "not an image";
    QTest::newRow("structured report") << "AD/report.dcm" << "without pixel data";
    QTest::newRow("hidden folder") << "CN/.git" << "hidden folder";
    QTest::newRow("macosx") << "__MACOSX" << "__MACOSX";
    QTest::newRow("root file") << "loose.png" << "not inside a class folder";
}

void DatasetScannerTest::skipsJunkWithReasons()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    const auto it = std::find_if(m_index.skipped.begin(), m_index.skipped.end(), [&](const SkippedFile& s) { return s.path == path.toStdString(); });
    QVERIFY2(it != m_index.skipped.end(), qPrintable(path + " not in the skipped list"));
    QVERIFY2(QString::fromStdString(it->reason).contains(reason), qPrintable(QString::fromStdString(it->reason)));
}

void DatasetScannerTest::reportsUnassignedFolders()
{
    QCOMPARE(m_index.unassignedFolders.size(), std::size_t{1});
    QCOMPARE(QString::fromStdString(m_index.unassignedFolders[0].path), QStringLiteral("Other"));
    QCOMPARE(m_index.unassignedFolders[0].files, std::size_t{2});
    for (const DatasetEntry& e : m_index.entries)
        QVERIFY(e.path.rfind("Other/", 0) != 0);
    QCOMPARE(m_index.skipped.size(), std::size_t{11});
}

void DatasetScannerTest::hashesNonAdniPatientIds()
{
    std::map<std::string, std::string> subjectByPath;
    for (const DatasetEntry& e : m_index.entries)
        subjectByPath[e.path] = e.subject;
    const std::string a = subjectByPath["AD/series1/a.dcm"];
    QVERIFY(QString::fromStdString(a).startsWith("pid-"));
    QCOMPARE(a, subjectByPath["AD/series2/b.dcm"]); // same person, same group
    QVERIFY(a.find("ANON123") == std::string::npos);
    QVERIFY(m_index.toJson(true).dump().find("ANON123") == std::string::npos);
}

void DatasetScannerTest::jsonHasTheDocumentedShape()
{
    const nlohmann::json j = m_index.toJson();
    QCOMPARE(j.at("classes").at("CN").at("images").get<int>(), 5);
    QCOMPARE(j.at("classes").at("AD").at("subjects").get<int>(), 3);
    QCOMPARE(j.at("total_images").get<int>(), 14);
    QCOMPARE(j.at("total_subjects").get<int>(), 9);
    QCOMPARE(j.at("skipped").size(), std::size_t{11});
    QVERIFY(j.at("skipped").at(0).contains("path"));
    QVERIFY(j.at("skipped").at(0).contains("reason"));
    QCOMPARE(j.at("unassigned_folders").at(0).at("path").get<std::string>(), std::string("Other"));
    QVERIFY(!j.contains("entries"));
    QCOMPARE(m_index.toJson(true).at("entries").size(), std::size_t{14});
}

void DatasetScannerTest::metadataCsvSuppliesSubjectsAndClasses()
{
    QTemporaryDir dir;
    const fs::path root = toPath(dir.path());
    writeSmallDicom(root / "ADNI/002_S_0295/MPRAGE/2006-04-18/I13722/ADNI_002_S_0295_MR_MPRAGE_I13722.dcm");
    writeSmallDicom(root / "ADNI/136_S_0426/MPRAGE/2007-03-07/I40817/ADNI_136_S_0426_MR_MPRAGE_I40817.dcm");
    writeSmallDicom(root / "ADNI/136_S_0426/MPRAGE/2007-03-07/I55555/ADNI_136_S_0426_MR_MPRAGE_I55555.dcm");
    writePng(root / "AD/ADNI_003_S_1000_MR_I777.png"); // folder AD, metadata says CN: folder wins, warned
    writeBytes(root / "meta.csv",
               "\"Image Data ID\",\"Subject\",\"Group\"\n\"I13722\",\"002_S_0295\",\"CN\"\n"
               "\"I40817\",\"136_S_0426\",\"AD\"\n\"I777\",\"003_S_1000\",\"CN\"\n");
    ScanOptions options;
    options.metadataCsv = root / "meta.csv";
    const DatasetIndex index = scanDataset(root, options);
    QCOMPARE(index.entries.size(), std::size_t{3});
    const auto summaries = index.classSummaries();
    QCOMPARE(summaries[0].images, std::size_t{1});
    QCOMPARE(summaries[2].images, std::size_t{2});
    for (const DatasetEntry& e : index.entries)
        QCOMPARE(QString(subjectSourceName(e.subjectSource)), QStringLiteral("metadata_csv"));
    const auto noClass = std::find_if(index.skipped.begin(), index.skipped.end(), [](const SkippedFile& s) { return s.path.find("I55555") != std::string::npos; });
    QVERIFY(noClass != index.skipped.end());
    QVERIFY(QString::fromStdString(noClass->reason).contains("metadata"));
    QVERIFY(std::any_of(index.warnings.begin(), index.warnings.end(), [](const std::string& w) { return w.find("disagrees") != std::string::npos; }));
}

void DatasetScannerTest::customClassOrder()
{
    ScanOptions options;
    options.classes = ClassScheme::fromNames({"AD", "CN"});
    const DatasetIndex index = scanDataset(m_root, options);
    QCOMPARE(index.classNames, (std::vector<std::string>{"AD", "CN"}));
    const auto summaries = index.classSummaries();
    QCOMPARE(summaries[0].images, std::size_t{5});
    QCOMPARE(summaries[1].images, std::size_t{5});
    // MCI folders now name no class.
    QCOMPARE(index.unassignedFolders.size(), std::size_t{3});
}

void DatasetScannerTest::reportsProgressAndCancels()
{
    QTemporaryDir dir;
    const fs::path root = toPath(dir.path());
    for (int i = 0; i < 300; ++i)
        writePng(root / "CN" / ("s" + std::to_string(i) + ".png"), i, 8);
    std::vector<std::size_t> reports;
    const DatasetIndex index = scanDataset(root, {}, nullptr, [&](std::size_t n) { reports.push_back(n); });
    QCOMPARE(index.entries.size(), std::size_t{300});
    QCOMPARE(reports, std::vector<std::size_t>{256});

    CancelToken cancel;
    cancel.cancel();
    try {
        scanDataset(root, {}, &cancel);
        QFAIL("expected cancellation");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::Cancelled);
    }
}

void DatasetScannerTest::badRootsAreClearErrors()
{
    try {
        scanDataset("/nonexistent/neurodx/data");
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::UnreadableFile);
        QVERIFY(QString(e.what()).contains("/nonexistent/neurodx/data"));
    }
    try {
        scanDataset(m_root / "loose.png");
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QVERIFY(QString(e.what()).contains("not a folder"));
    }
}

QTEST_APPLESS_MAIN(DatasetScannerTest)
#include "tst_datasetscanner.moc"
