// Files that claim more than they hold: each must end in a clear refusal naming the file (exit code 2,
// the command line's code for a damaged file), in bounded
// memory (the command runs under a 3 GiB address-space limit, which a valid file passes) and without
// hanging (a generous wait, not a speed target: a hang would hit it, a slow machine would not).
#include "TestTree.h"

#include "imaging/DicomWriter.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define NEURODX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define NEURODX_SANITIZED 1
#endif
#endif

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

constexpr int kAddressSpaceKiB = 3 * 1024 * 1024;

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

// neurodx-cli info FILE under the address-space limit; exit code -1 for a crash or a hang.
Result infoUnderLimit(const fs::path& file)
{
    const QString cli = QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR") + "/neurodx-cli";
    QProcess process;
#ifdef NEURODX_SANITIZED
    // An instrumented build reserves terabytes of shadow memory: no address-space limit, the
    // sanitizer's own allocation checks stand in for it.
    process.start(cli, {"info", str(file)});
#else
    process.start("/bin/bash", {"-c", QString("ulimit -v %1; exec \"$0\" info \"$1\"").arg(kAddressSpaceKiB), cli, str(file)});
#endif
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(), process.readAllStandardError()};
}

std::uint32_t crc32(const std::string& bytes)
{
    std::uint32_t crc = 0xffffffffu;
    for (const unsigned char byte : bytes) {
        crc ^= byte;
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

std::string bigEndian32(std::uint32_t value)
{
    return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8), static_cast<char>(value)};
}

std::string pngChunk(const std::string& type, const std::string& data)
{
    return bigEndian32(static_cast<std::uint32_t>(data.size())) + type + data + bigEndian32(crc32(type + data));
}

// A 60000 x 60000 grey PNG (3.6 GB of pixels) whose IDAT is a few kilobytes of deflated zeros.
std::string pngBomb()
{
    const std::string ihdr = bigEndian32(60000) + bigEndian32(60000) + std::string("\x08\x00\x00\x00\x00", 5);
    const QByteArray zeros(4 << 20, '\0');
    const QByteArray deflated = qCompress(zeros, 9).mid(4); // qCompress prefixes the length; the rest is zlib
    return std::string("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr) + pngChunk("IDAT", deflated.toStdString()) + pngChunk("IEND", "");
}

std::string readAll(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Replaces the first occurrence of `from` after `start` (a DICOM element or JPEG-LS marker).
bool patch(std::string& bytes, const std::string& from, const std::string& to, std::size_t start = 0)
{
    const std::size_t at = bytes.find(from, start);
    if (at == std::string::npos)
        return false;
    bytes.replace(at, from.size(), to);
    return true;
}

std::string little16(int value) { return {static_cast<char>(value & 0xff), static_cast<char>((value >> 8) & 0xff)}; }

std::string smallDicomBytes(const fs::path& scratch, DicomEncoding encoding)
{
    DicomWriteOptions options;
    options.encoding = encoding;
    writeSmallDicom(scratch, options);
    return readAll(scratch);
}

} // namespace

class ResourceGuardsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void claimsAreRefusedInBoundedMemory_data();
    void claimsAreRefusedInBoundedMemory();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    QTemporaryDir m_dir;
};

void ResourceGuardsTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const fs::path d = dir();

    writeSmallDicom(d / "valid.dcm");
    writePng(d / "valid.png", 1, 64);
    writeBytes(d / "bomb.png", pngBomb());

    // Explicit VR little endian: Rows (0028,0010) and Columns (0028,0011) are "US", 2 bytes.
    std::string rows = smallDicomBytes(d / "scratch.dcm", DicomEncoding::ExplicitLittleEndian);
    const std::string rowsTag("\x28\x00\x10\x00US\x02\x00", 8), columnsTag("\x28\x00\x11\x00US\x02\x00", 8);
    QVERIFY(patch(rows, rowsTag + rows.substr(rows.find(rowsTag) + 8, 2), rowsTag + little16(60000)));
    QVERIFY(patch(rows, columnsTag + rows.substr(rows.find(columnsTag) + 8, 2), columnsTag + little16(60000)));
    writeBytes(d / "rows60000.dcm", rows);

    // JPEG-LS whose bitstream (SOF55: FF F7, length, precision, height, width) claims 60000 x 60000
    // while the DICOM header says the true size.
    std::string jpegLs = smallDicomBytes(d / "scratch.dcm", DicomEncoding::JpegLsLossless);
    const std::size_t sof = jpegLs.find(std::string("\xff\xf7", 2));
    QVERIFY(sof != std::string::npos);
    jpegLs.replace(sof + 5, 4, std::string("\xea\x60\xea\x60", 4));
    writeBytes(d / "jpegls60000.dcm", jpegLs);

    // NumberOfFrames (0028,0008) IS "2147483647" (an even 10 bytes, as DICOM pads values).
    std::string frames = smallDicomBytes(d / "scratch.dcm", DicomEncoding::ExplicitLittleEndian);
    const std::string framesTag("\x28\x00\x08\x00IS", 6);
    const std::size_t framesAt = frames.find(framesTag);
    if (framesAt != std::string::npos) {
        const int length = static_cast<unsigned char>(frames[framesAt + 6]);
        frames.replace(framesAt, 8 + length, framesTag + little16(10) + "2147483647");
    } else { // single-frame files may omit it: insert before Rows, which it precedes in tag order
        frames.insert(frames.find(rowsTag), framesTag + little16(10) + "2147483647");
    }
    writeBytes(d / "frames.dcm", frames);

    // 200000 nested sequences in a private element after the pixel data (4 MB of headers): a parser
    // that recurses per level runs out of stack long before the end.
    std::string deep = smallDicomBytes(d / "scratch.dcm", DicomEncoding::ExplicitLittleEndian);
    const std::string level = std::string("\xe1\x7f\x10\x10SQ\0\0\xff\xff\xff\xff", 12) + std::string("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8);
    deep.reserve(deep.size() + 200000 * level.size());
    for (int i = 0; i < 200000; ++i)
        deep += level;
    writeBytes(d / "deep.dcm", deep);

    // The same depth inside an undefined-length UN element, whose content DICOM (CP-246) encodes
    // implicit VR little endian: items holding ReferencedImageSequence (0008,1140), undefined length.
    std::string deepUn = smallDicomBytes(d / "scratch.dcm", DicomEncoding::ExplicitLittleEndian);
    deepUn += std::string("\xe1\x7f\x10\x10UN\0\0\xff\xff\xff\xff", 12);
    const std::string implicitLevel = std::string("\xfe\xff\x00\xe0\xff\xff\xff\xff", 8) + std::string("\x08\x00\x40\x11\xff\xff\xff\xff", 8);
    deepUn.reserve(deepUn.size() + 200000 * implicitLevel.size());
    for (int i = 0; i < 200000; ++i)
        deepUn += implicitLevel;
    writeBytes(d / "deep-un.dcm", deepUn);

    // 10 GB, sparse: a valid DICOM file followed by a hole of zeros.
    writeSmallDicom(d / "sparse.dcm");
    fs::resize_file(d / "sparse.dcm", std::uintmax_t{10} << 30);
}

void ResourceGuardsTest::claimsAreRefusedInBoundedMemory_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("reason"); // a word the refusal must contain
    QTest::newRow("valid DICOM passes the same limit") << "valid.dcm" << true << "";
    QTest::newRow("valid PNG passes the same limit") << "valid.png" << true << "";
    QTest::newRow("PNG claiming 60000 x 60000") << "bomb.png" << false << "60000";
    QTest::newRow("DICOM rows and columns 60000") << "rows60000.dcm" << false << "60000";
    QTest::newRow("JPEG-LS bitstream claiming 60000 x 60000") << "jpegls60000.dcm" << false << "";
    QTest::newRow("NumberOfFrames 2147483647") << "frames.dcm" << false << "frames";
    QTest::newRow("200000 nested sequences") << "deep.dcm" << false << "nested";
    QTest::newRow("200000 nested sequences in a UN element") << "deep-un.dcm" << false << "nested";
    QTest::newRow("10 GB sparse file") << "sparse.dcm" << false << "GB";
}

void ResourceGuardsTest::claimsAreRefusedInBoundedMemory()
{
    QFETCH(QString, file);
    QFETCH(bool, valid);
    QFETCH(QString, reason);
    const Result r = infoUnderLimit(dir() / file.toStdString());
    if (valid) {
        QVERIFY2(r.exitCode == 0, r.err.constData());
        return;
    }
    QVERIFY2(r.exitCode == 2, qPrintable(QString("exit %1: %2").arg(r.exitCode).arg(QString::fromUtf8(r.err))));
    QVERIFY2(r.err.contains(file.toUtf8()), r.err.constData());
    QVERIFY2(r.err.contains(reason.toUtf8()), r.err.constData());
    QVERIFY2(!r.err.contains("terminate called") && !r.err.contains("bad_alloc"), r.err.constData());
}

QTEST_GUILESS_MAIN(ResourceGuardsTest)
#include "tst_resourceguards.moc"
