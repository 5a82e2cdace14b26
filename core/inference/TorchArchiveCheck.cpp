#include "TorchArchiveCheck.h"

#include "common/NeuroDxError.h"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>

namespace neurodx {

namespace {

constexpr std::uint32_t kEndOfDirectory = 0x06054b50, kZip64Locator = 0x07064b50, kZip64End = 0x06064b50;
constexpr std::uint32_t kDirectoryEntry = 0x02014b50, kLocalHeader = 0x04034b50;

std::uint64_t little(const char* at, int bytes)
{
    std::uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = value << 8 | static_cast<unsigned char>(at[i]);
    return value;
}

class ArchiveReader {
public:
    ArchiveReader(const std::filesystem::path& file, const std::vector<char>& bytes) : m_file(file), m_bytes(bytes) {}

    [[noreturn]] void damaged(const std::string& what) const
    {
        throw NeuroDxError(ErrorKind::CorruptFile, m_file, "damaged model file: " + what);
    }

    // `bytes` bytes at `offset`, little-endian; a read past the end is damage.
    std::uint64_t at(std::uint64_t offset, int bytes) const
    {
        if (offset > m_bytes.size() || m_bytes.size() - offset < static_cast<std::uint64_t>(bytes))
            damaged("its zip directory points past the end of the file");
        return little(m_bytes.data() + offset, bytes);
    }

    void check()
    {
        const std::uint64_t size = m_bytes.size();
        if (size < 22)
            return;
        std::uint64_t end = size - 22;
        const std::uint64_t lowest = size > 22 + 65535 ? size - 22 - 65535 : 0;
        while (little(m_bytes.data() + end, 4) != kEndOfDirectory) {
            if (end == lowest)
                return; // no zip: LibTorch says so in its own words, behind ours
            --end;
        }
        std::uint64_t entries = at(end + 10, 2), directorySize = at(end + 12, 4), directoryOffset = at(end + 16, 4);
        if (end >= 20 && at(end - 20, 4) == kZip64Locator) {
            const std::uint64_t record = at(end - 20 + 8, 8);
            if (at(record, 4) != kZip64End)
                damaged("its zip64 directory record is missing");
            entries = at(record + 32, 8);
            directorySize = at(record + 40, 8);
            directoryOffset = at(record + 48, 8);
        }
        if (directoryOffset > size || directorySize > size - directoryOffset || entries > directorySize / 46)
            damaged("its zip directory claims more than the file holds");
        std::uint64_t offset = directoryOffset;
        for (std::uint64_t e = 0; e < entries; ++e)
            offset = checkEntry(offset);
    }

private:
    // One central directory entry; returns the next one's offset.
    std::uint64_t checkEntry(std::uint64_t offset)
    {
        if (at(offset, 4) != kDirectoryEntry)
            damaged("its zip directory is broken");
        const std::uint64_t method = at(offset + 10, 2);
        std::uint64_t compressed = at(offset + 20, 4), uncompressed = at(offset + 24, 4);
        const std::uint64_t nameLength = at(offset + 28, 2), extraLength = at(offset + 30, 2), commentLength = at(offset + 32, 2);
        std::uint64_t local = at(offset + 42, 4);
        at(offset + 46 + nameLength, 0); // the name lies inside the file
        const std::string name(m_bytes.data() + offset + 46, static_cast<std::size_t>(nameLength));
        // Zip64: the fields that read 0xFFFFFFFF follow in the extra field 0x0001, in this order.
        for (std::uint64_t extra = offset + 46 + nameLength; extra + 4 <= offset + 46 + nameLength + extraLength;) {
            const std::uint64_t id = at(extra, 2), length = at(extra + 2, 2);
            if (id == 1) {
                std::uint64_t field = extra + 4;
                for (std::uint64_t* value : {&uncompressed, &compressed, &local})
                    if (*value == 0xffffffffu && field + 8 <= extra + 4 + length) {
                        *value = at(field, 8);
                        field += 8;
                    }
            }
            extra += 4 + length;
        }
        // Tensors and pickles are stored; TorchScript deflates its code, which cannot expand more
        // than deflate's limit of 1032 to 1.
        if (method != 0 && method != 8)
            damaged("entry '" + name + "' uses a compression PyTorch never writes");
        if (method == 0 ? compressed != uncompressed : uncompressed / 1032 > compressed + 1)
            damaged("entry '" + name + "' claims " + std::to_string(uncompressed) + " bytes but stores " + std::to_string(compressed));
        if (at(local, 4) != kLocalHeader)
            damaged("entry '" + name + "' points to no zip entry");
        const std::uint64_t data = local + 30 + at(local + 26, 2) + at(local + 28, 2);
        if (data > m_bytes.size() || compressed > m_bytes.size() - data)
            damaged("entry '" + name + "' claims " + std::to_string(compressed) + " bytes, past the end of the file");
        // LibTorch finds records ignoring case and inflates deflated ones: every pickle is checked.
        std::string lower = name;
        for (char& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".pkl") == 0) {
            if (method != 0)
                damaged("pickle '" + name + "' is compressed, which PyTorch never writes");
            checkPickle(m_file, m_bytes.data() + data, static_cast<std::size_t>(compressed));
        }
        return offset + 46 + nameLength + extraLength + commentLength;
    }

    const std::filesystem::path& m_file;
    const std::vector<char>& m_bytes;
};

} // namespace

void checkPickle(const std::filesystem::path& file, const char* data, std::size_t size)
{
    const auto damaged = [&](const std::string& what) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged model file: its pickle " + what);
    };
    std::size_t position = 0;
    const auto need = [&](std::uint64_t bytes) {
        if (bytes > size - position)
            damaged("claims " + std::to_string(bytes) + " bytes where " + std::to_string(size - position) + " remain");
    };
    // A length of `lengthBytes` bytes, then that many bytes: LibTorch allocates the length first.
    const auto skipCounted = [&](int lengthBytes) {
        need(static_cast<std::uint64_t>(lengthBytes));
        const std::uint64_t length = little(data + position, lengthBytes);
        position += static_cast<std::size_t>(lengthBytes);
        need(length);
        position += static_cast<std::size_t>(length);
    };
    const auto skipLine = [&] {
        const void* newline = std::memchr(data + position, '\n', size - position);
        if (!newline)
            damaged("ends inside a line");
        position = static_cast<std::size_t>(static_cast<const char*>(newline) - data) + 1;
    };
    while (position < size) {
        const unsigned char opcode = static_cast<unsigned char>(data[position++]);
        switch (opcode) {
        case '.': // STOP
            return;
        case 0x80: case 'K': case 0x82: // PROTO, BININT1, EXT1
            need(1); position += 1; break;
        case 'q': case 'r': { // BINPUT, LONG_BINPUT: LibTorch reserves twice the slot number
            const int bytes = opcode == 'q' ? 1 : 4;
            need(bytes);
            if (little(data + position, bytes) > size)
                damaged("stores into memo slot " + std::to_string(little(data + position, bytes)) + ", more than it could fill");
            position += static_cast<std::size_t>(bytes);
            break;
        }
        case 'h': need(1); position += 1; break;              // BINGET
        case 'M': case 0x83: need(2); position += 2; break;   // BININT2, EXT2
        case 'J': case 'j': case 0x84: need(4); position += 4; break; // BININT, LONG_BINGET, EXT4
        case 'G': case 0x95: need(8); position += 8; break;   // BINFLOAT, FRAME
        case 'U': case 'C': case 0x8c: case 0x8a: // SHORT_BINSTRING, SHORT_BINBYTES, SHORT_BINUNICODE, LONG1
            skipCounted(1);
            break;
        case 'T': case 'B': case 'X': case 0x8b: // BINSTRING, BINBYTES, BINUNICODE, LONG4
            skipCounted(4);
            break;
        case 0x8d: case 0x8e: case 0x96: // BINUNICODE8, BINBYTES8, BYTEARRAY8
            skipCounted(8);
            break;
        case 'I': case 'L': case 'S': case 'V': case 'F': case 'P': case 'g': case 'p': // one text line
            skipLine();
            break;
        case 'c': case 'i': // GLOBAL, INST: module and name lines
            skipLine();
            skipLine();
            break;
        case '(': case '0': case '1': case '2': case 'N': case 'R': case 'a': case 'b': case 'd': case '}':
        case 'e': case 'l': case ']': case 'o': case 's': case 't': case ')': case 'u': case 'Q':
        case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8f: case 0x90:
        case 0x91: case 0x92: case 0x93: case 0x94: case 0x97: case 0x98:
            break; // no argument
        default:
            return; // an opcode LibTorch does not know either: it refuses the pickle itself
        }
    }
}

void checkTorchArchive(const std::filesystem::path& file, const std::vector<char>& bytes)
{
    ArchiveReader(file, bytes).check();
}

} // namespace neurodx
