#include "ImageFormat.h"

#include "common/NeuroDxError.h"

#include <cstring>
#include <fstream>

namespace neurodx {

const char* imageFormatName(ImageFormat format)
{
    switch (format) {
    case ImageFormat::Png: return "png";
    case ImageFormat::Jpeg: return "jpeg";
    case ImageFormat::Bmp: return "bmp";
    case ImageFormat::Tiff: return "tiff";
    case ImageFormat::Dicom: return "dicom";
    case ImageFormat::Nifti: return "nifti";
    case ImageFormat::Unknown: break;
    }
    return "unknown";
}

namespace {

std::uint16_t readLe16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint16_t readBe16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t readLe32(const unsigned char* p)
{
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

bool isUpperAlpha(unsigned char c) { return c >= 'A' && c <= 'Z'; }

// A DICOM dataset stored without preamble and meta header starts with its lowest tag, almost always
// in group 0008 (or 0002 when only the preamble is missing). The element number is small and, in
// explicit VR, a two-letter VR follows; in implicit VR a 32-bit length that fits the file.
bool looksLikeBareDicomDataset(const unsigned char* b, std::size_t size)
{
    if (size < 12)
        return false;
    for (const bool littleEndian : {true, false}) {
        const std::uint16_t group = littleEndian ? readLe16(b) : readBe16(b);
        const std::uint16_t element = littleEndian ? readLe16(b + 2) : readBe16(b + 2);
        if ((group != 0x0008 && group != 0x0002) || element > 0x0100)
            continue;
        if (isUpperAlpha(b[4]) && isUpperAlpha(b[5]))
            return true; // explicit VR
        if (littleEndian && readLe32(b + 4) < (1u << 16))
            return true; // implicit VR little endian with a plausible first length
    }
    return false;
}

} // namespace

FormatProbe probeImageFormat(const unsigned char* b, std::size_t size)
{
    // "DICM" after the 128-byte preamble wins over any signature inside the preamble: PS3.10 lets
    // the preamble hold anything, and dual-personality DICOM/TIFF files put a TIFF header there.
    if (size >= 132 && std::memcmp(b + 128, "DICM", 4) == 0)
        return {ImageFormat::Dicom, true};
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (size >= 8 && std::memcmp(b, png, 8) == 0)
        return {ImageFormat::Png, false};
    if (size >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return {ImageFormat::Jpeg, false};
    if (size >= 4 && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0) ||
                      (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42)))
        return {ImageFormat::Tiff, false};
    if (size >= 18 && b[0] == 'B' && b[1] == 'M') {
        // "BM" alone is two common letters; the DIB header size pins it down.
        const std::uint32_t dibSize = readLe32(b + 14);
        if (dibSize == 12 || dibSize == 40 || dibSize == 52 || dibSize == 56 || dibSize == 64 ||
            dibSize == 108 || dibSize == 124)
            return {ImageFormat::Bmp, false};
    }
    if (size >= 4 && std::memcmp(b, "DICM", 4) == 0)
        return {ImageFormat::Dicom, false}; // meta header without the preamble (seen in some exports)
    if (looksLikeBareDicomDataset(b, size))
        return {ImageFormat::Dicom, false};
    return {};
}

FormatProbe probeImageFormat(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    unsigned char bytes[kFormatProbeBytes] = {};
    in.read(reinterpret_cast<char*>(bytes), sizeof bytes);
    return probeImageFormat(bytes, static_cast<std::size_t>(in.gcount()));
}

} // namespace neurodx
