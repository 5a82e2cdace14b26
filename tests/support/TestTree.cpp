#include "TestTree.h"

#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <stdexcept>

namespace neurodx::test {

std::filesystem::path toPath(const QString& path)
{
    return std::filesystem::path(path.toStdString());
}

void writeBytes(const std::filesystem::path& file, const std::string& bytes)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << bytes;
    if (!out)
        throw std::runtime_error("test could not write " + file.string());
}

void writeImage(const std::filesystem::path& file, const cv::Mat& image)
{
    std::filesystem::create_directories(file.parent_path());
    if (!cv::imwrite(file.string(), image))
        throw std::runtime_error("test could not write " + file.string());
}

void writePng(const std::filesystem::path& file, int seed, int size)
{
    cv::Mat image(size, size, CV_8UC1);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            image.at<unsigned char>(y, x) = static_cast<unsigned char>((x * 7 + y * 13 + seed * 31) % 256);
    writeImage(file, image);
}

void writeSmallDicom(const std::filesystem::path& file, const DicomWriteOptions& options, int seed)
{
    std::filesystem::create_directories(file.parent_path());
    writeDicom(file, {rampImage(8, 6, CV_16UC1, 3.0, seed)}, options);
}

namespace {

// One explicit VR little endian element with a short (16-bit length) VR.
std::string element(std::uint16_t group, std::uint16_t number, const char* vr, std::string value)
{
    if (value.size() % 2)
        value += (std::string(vr) == "UI") ? '\0' : ' ';
    std::string out;
    out += char(group & 0xFF);
    out += char(group >> 8);
    out += char(number & 0xFF);
    out += char(number >> 8);
    out += vr;
    out += char(value.size() & 0xFF);
    out += char(value.size() >> 8);
    return out + value;
}

} // namespace

std::string dicomWithoutPixelData(const std::string& modality)
{
    std::string bytes(128, '\0');
    bytes += "DICM";
    bytes += element(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.88.22");
    bytes += element(0x0002, 0x0003, "UI", "2.25.1234");
    bytes += element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1");
    bytes += element(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.88.22");
    bytes += element(0x0008, 0x0018, "UI", "2.25.1234");
    bytes += element(0x0008, 0x0060, "CS", modality);
    bytes += element(0x0010, 0x0020, "LO", "NOPIXELS");
    return bytes;
}

cv::Mat rampImage(int width, int height, int type, double step, double offset)
{
    cv::Mat ramp(height, width, CV_64FC1);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            ramp.at<double>(y, x) = (x + y * width) * step + offset;
    const int channels = CV_MAT_CN(type);
    std::vector<cv::Mat> planes;
    for (int c = 0; c < channels; ++c) {
        cv::Mat plane;
        // Later channels run the other way, so colour images are not grey.
        (c % 2 == 0 ? ramp : (ramp.at<double>(height - 1, width - 1) + offset - ramp)).convertTo(plane, CV_MAT_DEPTH(type), 1.0, c * 7.0);
        planes.push_back(plane);
    }
    cv::Mat result;
    cv::merge(planes, result);
    return result;
}

} // namespace neurodx::test
