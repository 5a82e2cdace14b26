#include "DicomStructure.h"

#include "common/NeuroDxError.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctag.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

namespace neurodx {

namespace {

constexpr std::uint32_t kUndefinedLength = 0xffffffffu;
constexpr std::uint16_t kItemGroup = 0xfffe;
constexpr std::uint16_t kItem = 0xe000, kItemEnd = 0xe00d, kSequenceEnd = 0xe0dd;

struct EndOfInput {}; // the walk ran past the end: DCMTK reports truncation in its own words

class StructureWalker {
public:
    StructureWalker(const std::filesystem::path& file, std::ifstream& in) : m_file(file), m_in(in) {}

    // The dataset from the current position to the end of the file.
    void walkTopLevel(bool explicitVr, bool bigEndian)
    {
        m_explicitVr = explicitVr;
        m_bigEndian = bigEndian;
        walkDataset(std::nullopt, 0);
    }

    // Group 0002, always explicit VR little endian; returns the transfer syntax UID.
    std::string walkMetaHeader()
    {
        m_explicitVr = true;
        m_bigEndian = false;
        std::string transferSyntax;
        for (;;) {
            const std::streampos start = m_in.tellg();
            std::array<unsigned char, 2> group{};
            if (!m_in.read(reinterpret_cast<char*>(group.data()), 2))
                throw EndOfInput{};
            m_in.seekg(start);
            if ((group[0] | group[1] << 8) != 0x0002)
                return transferSyntax;
            const Header header = readHeader();
            if (header.element == 0x0010 && header.length < 256) {
                transferSyntax.resize(header.length);
                if (!m_in.read(transferSyntax.data(), header.length))
                    throw EndOfInput{};
                while (!transferSyntax.empty() && (transferSyntax.back() == '\0' || transferSyntax.back() == ' '))
                    transferSyntax.pop_back();
            } else {
                skip(header.length);
            }
        }
    }

private:
    struct Header {
        std::uint16_t group = 0, element = 0;
        std::string vr;
        std::uint32_t length = 0;
    };

    std::uint16_t read16()
    {
        unsigned char b[2];
        if (!m_in.read(reinterpret_cast<char*>(b), 2))
            throw EndOfInput{};
        return m_bigEndian ? static_cast<std::uint16_t>(b[0] << 8 | b[1]) : static_cast<std::uint16_t>(b[1] << 8 | b[0]);
    }

    std::uint32_t read32()
    {
        unsigned char b[4];
        if (!m_in.read(reinterpret_cast<char*>(b), 4))
            throw EndOfInput{};
        return m_bigEndian ? std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3]
                           : std::uint32_t{b[3]} << 24 | std::uint32_t{b[2]} << 16 | std::uint32_t{b[1]} << 8 | b[0];
    }

    void skip(std::uint32_t length)
    {
        m_in.seekg(length, std::ios::cur);
        if (!m_in)
            throw EndOfInput{};
    }

    Header readHeader()
    {
        if (++m_elements > kMaxDicomElements)
            throw NeuroDxError(ErrorKind::CorruptFile, m_file,
                               "holds more than " + std::to_string(kMaxDicomElements / 1'000'000) + " million DICOM elements: damaged, or not an image");
        Header header;
        header.group = read16();
        header.element = read16();
        if (header.group == kItemGroup) { // items and delimiters carry no VR in any transfer syntax
            header.length = read32();
            return header;
        }
        if (m_explicitVr) {
            char vr[2];
            if (!m_in.read(vr, 2))
                throw EndOfInput{};
            header.vr.assign(vr, 2);
            static const std::array<const char*, 13> longForms{"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
            bool longForm = false;
            for (const char* form : longForms)
                longForm = longForm || header.vr == form;
            if (longForm) {
                read16(); // reserved
                header.length = read32();
            } else {
                header.length = read16();
            }
        } else {
            header.length = read32();
            if (DcmTag(header.group, header.element).getEVR() == EVR_SQ)
                header.vr = "SQ";
        }
        return header;
    }

    // Elements until `end` (a defined-length item or the file's end) or an item delimiter.
    void walkDataset(std::optional<std::streamoff> end, int depth)
    {
        for (;;) {
            if (end && m_in.tellg() >= *end)
                return;
            const Header header = readHeader();
            if (header.group == kItemGroup) {
                if (header.element == kItemEnd)
                    return;
                skip(header.length == kUndefinedLength ? 0 : header.length); // stray item: DCMTK decides
                continue;
            }
            const bool pixelFragments = header.group == 0x7fe0 && header.element == 0x0010 && header.vr != "SQ" &&
                                        header.length == kUndefinedLength;
            if (pixelFragments) {
                walkFragments();
            } else if (header.vr == "UN" && header.length == kUndefinedLength) {
                // CP-246: an undefined-length UN holds a sequence encoded implicit VR little endian.
                const bool explicitVr = m_explicitVr, bigEndian = m_bigEndian;
                m_explicitVr = false;
                m_bigEndian = false;
                walkSequence(header.length, depth + 1);
                m_explicitVr = explicitVr;
                m_bigEndian = bigEndian;
            } else if (header.vr == "SQ" || header.length == kUndefinedLength) { // undefined length: a sequence
                walkSequence(header.length, depth + 1);
            } else {
                skip(header.length);
            }
        }
    }

    void walkSequence(std::uint32_t length, int depth)
    {
        if (depth > kMaxDicomNesting)
            throw NeuroDxError(ErrorKind::CorruptFile, m_file,
                               "has DICOM sequences nested more than " + std::to_string(kMaxDicomNesting) + " deep: damaged or hostile, not read");
        const std::optional<std::streamoff> end =
            length == kUndefinedLength ? std::nullopt : std::optional<std::streamoff>(std::streamoff(m_in.tellg()) + length);
        for (;;) {
            if (end && m_in.tellg() >= *end)
                return;
            const Header item = readHeader();
            if (item.group != kItemGroup || item.element == kSequenceEnd)
                return; // a delimiter, or something DCMTK will call malformed
            if (item.element != kItem)
                continue;
            if (item.length == kUndefinedLength)
                walkDataset(std::nullopt, depth);
            else
                walkDataset(std::streamoff(m_in.tellg()) + item.length, depth);
        }
    }

    // Encapsulated pixel data: an offset table and fragments, raw bytes each.
    void walkFragments()
    {
        for (;;) {
            const Header item = readHeader();
            if (item.group != kItemGroup || item.element == kSequenceEnd)
                return;
            skip(item.length);
        }
    }

    const std::filesystem::path& m_file;
    std::ifstream& m_in;
    bool m_explicitVr = true;
    bool m_bigEndian = false;
    std::int64_t m_elements = 0;
};

std::string sizeText(std::uintmax_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / 1e9);
    return text;
}

} // namespace

void checkDicomStructure(const std::filesystem::path& file)
{
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec)
        return; // missing or unreadable: the reader says so
    if (size > kMaxDicomFileBytes)
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "is " + sizeText(size) + ", larger than any image NeuroDx reads (" + sizeText(kMaxDicomFileBytes) + "): not read");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return;
    StructureWalker walker(file, in);
    try {
        std::array<char, 4> magic{};
        in.seekg(128);
        const bool hasMeta = in.read(magic.data(), 4) && std::string(magic.data(), 4) == "DICM";
        std::string transferSyntax;
        if (hasMeta) {
            transferSyntax = walker.walkMetaHeader();
        } else { // a bare dataset: explicit VR when bytes 4-5 look like a VR
            in.clear();
            in.seekg(0);
            std::array<char, 6> start{};
            in.read(start.data(), 6);
            transferSyntax = std::isupper(static_cast<unsigned char>(start[4])) && std::isupper(static_cast<unsigned char>(start[5]))
                                 ? "1.2.840.10008.1.2.1"
                                 : "1.2.840.10008.1.2";
            in.clear();
            in.seekg(0);
        }
        if (transferSyntax == "1.2.840.10008.1.2.1.99")
            return; // deflated: the dataset is a zlib stream (size checked above)
        walker.walkTopLevel(transferSyntax != "1.2.840.10008.1.2", transferSyntax == "1.2.840.10008.1.2.2");
    } catch (const EndOfInput&) {
    }
}

} // namespace neurodx
