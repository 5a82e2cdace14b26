// What LibTorch would allocate on a model file's word, checked against the bytes first: pickles
// and zip entries that claim more than the file holds are refused, real archives pass.
#include "inference/TorchArchiveCheck.h"
#include "common/NeuroDxError.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QtTest>

#include <string>

using namespace neurodx;

namespace {

std::string le(std::uint64_t value, int bytes)
{
    std::string text;
    for (int i = 0; i < bytes; ++i)
        text += static_cast<char>((value >> (8 * i)) & 0xff);
    return text;
}

// A zip archive of stored entries, as PyTorch writes it; `claimedSize` overrides the first entry's
// sizes in the central directory.
std::string storedZip(const std::vector<std::pair<std::string, std::string>>& entries, std::uint64_t claimedSize = 0)
{
    std::string body, directory;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& [name, data] = entries[i];
        const std::uint64_t offset = body.size();
        body += le(0x04034b50, 4) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) + le(data.size(), 4) + le(data.size(), 4) +
                le(name.size(), 2) + le(0, 2) + name + data;
        const std::uint64_t size = i == 0 && claimedSize ? claimedSize : data.size();
        directory += le(0x02014b50, 4) + le(20, 2) + le(20, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(0, 4) + le(size, 4) + le(size, 4) +
                     le(name.size(), 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 2) + le(0, 4) + le(offset, 4) + name;
    }
    return body + directory + le(0x06054b50, 4) + le(0, 2) + le(0, 2) + le(entries.size(), 2) + le(entries.size(), 2) +
           le(directory.size(), 4) + le(body.size(), 4) + le(0, 2);
}

// PROTO 2, a pickled value, STOP.
std::string pickle(const std::string& value) { return std::string("\x80\x02", 2) + value + "."; }

} // namespace

class TorchArchiveCheckTest : public QObject {
    Q_OBJECT
private slots:
    void claims_data();
    void claims();
};

void TorchArchiveCheckTest::claims_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("refusal"); // empty: the archive passes
    const auto add = [](const char* name, const std::string& bytes, const char* refusal) {
        QTest::newRow(name) << QByteArray::fromStdString(bytes) << QString(refusal);
    };
    add("a string pickle", storedZip({{"a/data.pkl", pickle(std::string("X", 1) + le(5, 4) + "hello")}, {"a/version", "3\n"}}), "");
    add("not a zip", "just some bytes, left to LibTorch", "");
    add("a string claiming 4 GB", storedZip({{"a/data.pkl", pickle(std::string("X", 1) + le(0xfe000000u, 4) + "hello")}}), "claims 4261412864 bytes");
    add("bytes claiming 2^40 (BINBYTES8)", storedZip({{"a/data.pkl", pickle(std::string("\x8e", 1) + le(std::uint64_t{1} << 40, 8))}}), "claims");
    add("the claim in data.PKL (LibTorch ignores case)", storedZip({{"a/data.PKL", pickle(std::string("X", 1) + le(0xfe000000u, 4))}}), "claims 4261412864 bytes");
    add("memo slot 4 billion", storedZip({{"a/data.pkl", pickle(std::string("N", 1) + "r" + le(0xfffffff0u, 4))}}), "memo slot");
    add("entry claiming 1 GB", storedZip({{"a/data/0", "0123456789abcdef"}}, std::uint64_t{1} << 30), "past the end");
    add("directory past the end", storedZip({{"a/data.pkl", pickle("N")}}).substr(0, 40) + le(0x06054b50, 4) + le(0, 4) + le(5, 2) + le(5, 2) +
                                      le(1000, 4) + le(20, 4) + le(0, 2), "claims more than the file holds");
}

void TorchArchiveCheckTest::claims()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, refusal);
    const std::vector<char> data(bytes.begin(), bytes.end());
    try {
        checkTorchArchive("model.pt", data);
        QVERIFY2(refusal.isEmpty(), qPrintable("accepted, expected: " + refusal));
    } catch (const NeuroDxError& e) {
        QVERIFY2(!refusal.isEmpty() && QString(e.what()).contains(refusal) && QString(e.what()).contains("model.pt"), e.what());
    }
}

QTEST_APPLESS_MAIN(TorchArchiveCheckTest)
#include "tst_torcharchivecheck.moc"
