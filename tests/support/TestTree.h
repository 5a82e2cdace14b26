#pragma once

#include "imaging/DicomWriter.h"

#include <opencv2/core/mat.hpp>

#include <QString>

#include <filesystem>
#include <string>

// Helpers that build dataset trees and image files inside a test's temporary folder.
namespace neurodx::test {

std::filesystem::path toPath(const QString& path);

void writeBytes(const std::filesystem::path& file, const std::string& bytes);
// A small grey PNG whose pixels depend on `seed` (so files differ).
void writePng(const std::filesystem::path& file, int seed = 0, int size = 16);
void writeImage(const std::filesystem::path& file, const cv::Mat& image); // extension picks the codec
// A small 16-bit MR DICOM written with NeuroDx's DCMTK writer.
void writeSmallDicom(const std::filesystem::path& file, const DicomWriteOptions& options = {}, int seed = 0);

// A DICOM object without pixel data (like a structured report): preamble, a minimal meta header
// and a dataset with SOP class, modality and PatientID, written byte by byte.
std::string dicomWithoutPixelData(const std::string& modality = "SR");

// A ramp image: value(x, y) = (x + y * width) * step + offset, in the given OpenCV type; for
// several channels, odd channels run the other way and each channel is shifted by 7 * channel.
cv::Mat rampImage(int width, int height, int type, double step = 1.0, double offset = 0.0);

} // namespace neurodx::test
