#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// One function per reader of untrusted bytes, shared by the libFuzzer executables (FuzzEntry.cpp,
// built with -DNEURODX_FUZZ=ON) and tst_fuzzregressions, which replays tests/data/fuzz/<target>/ in
// every build. Each returns normally when the reader read the bytes or refused them with a
// NeuroDxError, and lets anything else escape.
namespace neurodx::fuzz {

using FuzzTarget = void (*)(const std::uint8_t* data, std::size_t size);

void fuzzDicomFile(const std::uint8_t* data, std::size_t size);    // header, tags, slice geometry, every frame
void fuzzRasterImage(const std::uint8_t* data, std::size_t size);  // PNG/JPEG/TIFF/BMP: slice, viewer, thumbnail
void fuzzMetadataCsv(const std::uint8_t* data, std::size_t size);  // ADNI collection CSV
void fuzzSplitJson(const std::uint8_t* data, std::size_t size);    // split.json against a small dataset
void fuzzRunFiles(const std::uint8_t* data, std::size_t size);     // config.json and history.csv
void fuzzModelFile(const std::uint8_t* data, std::size_t size);    // .pt model files
void fuzzNifti(const std::uint8_t* data, std::size_t size);        // .nii / .nii.gz, to canonical orientation
void fuzzDicomSeries(const std::uint8_t* data, std::size_t size);  // files joined at "NDXFILE", opened as a scan
void fuzzKerasH5(const std::uint8_t* data, std::size_t size);      // Keras .h5 model or weights

struct NamedFuzzTarget {
    std::string name; // the executable's and the regression folder's name: "fuzz_dicom_file"
    FuzzTarget run;
};
const std::vector<NamedFuzzTarget>& fuzzTargets();

} // namespace neurodx::fuzz
