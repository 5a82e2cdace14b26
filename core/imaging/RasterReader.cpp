#include "RasterReader.h"

#include "common/NeuroDxError.h"
#include "imaging/ImageLimits.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <iterator>
#include <vector>

namespace neurodx {

namespace {

std::uint32_t be32(const unsigned char* p) { return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3]; }
std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::int32_t le32(const unsigned char* p) { return static_cast<std::int32_t>(std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24)); }

// Width and height from the header, where the format makes that cheap; {0, 0} when unknown
// (OpenCV then applies its own pixel limit).
std::pair<std::int64_t, std::int64_t> headerDimensions(ImageFormat format, const std::vector<unsigned char>& b)
{
    if (format == ImageFormat::Png && b.size() >= 24)
        return {be32(&b[16]), be32(&b[20])};
    if (format == ImageFormat::Bmp && b.size() >= 26) {
        const std::int32_t h = le32(&b[22]);
        return {le32(&b[18]), h < 0 ? -std::int64_t(h) : h};
    }
    if (format == ImageFormat::Jpeg) {
        for (std::size_t i = 2; i + 9 < b.size();) {
            if (b[i] != 0xFF) {
                ++i;
                continue;
            }
            const unsigned char marker = b[i + 1];
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                return {be16(&b[i + 7]), be16(&b[i + 5])};
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0xFF) {
                i += (marker == 0xFF) ? 1 : 2;
                continue;
            }
            i += 2 + be16(&b[i + 2]);
        }
    }
    return {0, 0};
}

} // namespace

Slice readRasterSlice(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.empty())
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "the file is empty");

    const FormatProbe probe = probeImageFormat(bytes.data(), bytes.size());
    if (probe.format == ImageFormat::Unknown || probe.format == ImageFormat::Dicom)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "not a PNG, JPEG, BMP or TIFF image");
    const auto [width, height] = headerDimensions(probe.format, bytes);
    if (width != 0 || height != 0)
        checkImageDimensions(file, width, height, 1, 8);

    cv::Mat decoded;
    try {
        decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("cannot be decoded: ") + e.err);
    }
    if (decoded.empty())
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           std::string("the ") + imageFormatName(probe.format) + " data cannot be decoded (truncated or damaged file)");

    Slice slice;
    SliceInfo& info = slice.info;
    info.format = probe.format;
    info.width = decoded.cols;
    info.height = decoded.rows;
    switch (decoded.depth()) {
    case CV_8U: info.bitsAllocated = info.bitsStored = 8; break;
    case CV_16U: info.bitsAllocated = info.bitsStored = 16; break;
    case CV_32F: info.bitsAllocated = info.bitsStored = 32; break;
    default:
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "pixel depth not supported (8 or 16 bit unsigned, or 32 bit float)");
    }

    cv::Mat converted;
    switch (decoded.channels()) {
    case 1: converted = decoded; break;
    case 3: cv::cvtColor(decoded, converted, cv::COLOR_BGR2RGB); break;
    case 4: cv::cvtColor(decoded, converted, cv::COLOR_BGRA2RGB); break;
    default:
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, std::to_string(decoded.channels()) + " channels per pixel are not supported");
    }
    info.samplesPerPixel = converted.channels();
    info.photometric = info.samplesPerPixel == 1 ? "MONOCHROME2" : "RGB";
    converted.convertTo(slice.pixels, CV_MAKETYPE(CV_32F, converted.channels()));
    return slice;
}

} // namespace neurodx
