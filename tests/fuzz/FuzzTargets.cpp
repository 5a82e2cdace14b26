#include "FuzzTargets.h"

#include "FuzzInput.h"

#include "dataset/DatasetIndex.h"
#include "dataset/MetadataCsv.h"
#include "dataset/Split.h"
#include "imaging/DicomHeader.h"
#include "imaging/DicomReader.h"
#include "imaging/DicomTags.h"
#include "imaging/SliceLoader.h"
#include "imaging/Thumbnail.h"
#include "imaging/ViewerSlice.h"
#include "inference/ModelFile.h"
#include "interop/KerasModel.h"
#include "training/TrainingHistory.h"
#include "training/TrainingJob.h"
#include "volume/DicomSliceHeader.h"
#include "volume/NiftiReader.h"
#include "volume/Reorientation.h"
#include "volume/ScanFinder.h"

#include <string_view>

namespace neurodx::fuzz {

namespace fs = std::filesystem;

namespace {

// The dataset the split.json seeds name (scripts/fuzz.sh writes them): three classes, two subjects
// each, three slices per subject.
DatasetIndex sampleIndex()
{
    DatasetIndex index;
    index.root = "/dataset";
    index.classNames = {"CN", "MCI", "AD"};
    for (int label = 0; label < 3; ++label)
        for (int subject = 0; subject < 2; ++subject)
            for (int slice = 0; slice < 3; ++slice) {
                DatasetEntry entry;
                const std::string name = index.classNames[static_cast<std::size_t>(label)] + "_" + std::to_string(subject);
                entry.path = index.classNames[static_cast<std::size_t>(label)] + "/" + name + "_slice" + std::to_string(slice) + ".png";
                entry.label = label;
                entry.subject = name;
                entry.subjectSource = SubjectSource::FileName;
                entry.sliceIndex = slice;
                entry.format = ImageFormat::Png;
                index.entries.push_back(entry);
            }
    return index;
}

} // namespace

void fuzzDicomFile(const std::uint8_t* data, std::size_t size)
{
    const fs::path file = writeScratch("input.dcm", data, size);
    expectReadOrRefusal([&] { readDicomHeader(file); });
    expectReadOrRefusal([&] { readDicomTags(file); });
    expectReadOrRefusal([&] { readDicomSliceHeader(file); });
    expectReadOrRefusal([&] { readDicomFrames(file); });
    expectReadOrRefusal([&] {
        std::vector<DicomTagNode> tags; // the viewer's one pass: pixels and attributes
        readDicomSlice(file, std::nullopt, &tags);
    });
}

void fuzzRasterImage(const std::uint8_t* data, std::size_t size)
{
    // The format is sniffed from the bytes, so one name serves PNG, JPEG, TIFF and BMP.
    const fs::path file = writeScratch("input.png", data, size);
    expectReadOrRefusal([&] { loadSlice(file); });
    expectReadOrRefusal([&] { loadViewerSlice(file); });
    expectReadOrRefusal([&] { thumbnailOf(file, 96); });
}

void fuzzMetadataCsv(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    expectReadOrRefusal([&] { parseCsv(text); });
    expectReadOrRefusal([&] { MetadataTable::parse(text, "metadata.csv").find("I13722"); });
}

void fuzzSplitJson(const std::uint8_t* data, std::size_t size)
{
    static const DatasetIndex index = sampleIndex();
    const fs::path file = writeScratch("split.json", data, size);
    expectReadOrRefusal([&] { loadSplit(file, index); });
}

void fuzzRunFiles(const std::uint8_t* data, std::size_t size)
{
    const fs::path config = writeScratch("config.json", data, size);
    expectReadOrRefusal([&] { readSavedTrainingConfig(config); });
    const fs::path history = writeScratch("history.csv", data, size);
    expectReadOrRefusal([&] { readHistoryCsv(history); });
}

void fuzzModelFile(const std::uint8_t* data, std::size_t size)
{
    const fs::path file = writeScratch("model.pt", data, size);
    expectReadOrRefusal([&] { loadModelFile(file); });
}

void fuzzNifti(const std::uint8_t* data, std::size_t size)
{
    const bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const fs::path file = writeScratch(gzip ? "input.nii.gz" : "input.nii", data, size);
    expectReadOrRefusal([&] { toCanonical(readNifti(file)); });
}

void fuzzDicomSeries(const std::uint8_t* data, std::size_t size)
{
    const fs::path folder = scratchFolder() / "series";
    std::error_code ec;
    fs::remove_all(folder, ec);
    fs::create_directories(folder);
    constexpr std::string_view marker = "NDXFILE";
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::size_t begin = 0;
    for (int index = 0; index < 8 && begin <= input.size(); ++index) {
        std::size_t end = input.find(marker, begin);
        if (end == std::string_view::npos || index == 7)
            end = input.size();
        const std::string_view part = input.substr(begin, end - begin);
        writeScratch("series/slice" + std::to_string(index) + ".dcm", reinterpret_cast<const std::uint8_t*>(part.data()), part.size());
        begin = end + marker.size();
    }
    expectReadOrRefusal([&] {
        for (const ScanSource& scan : findScans(folder, false).scans)
            if (scan.isUsable())
                expectReadOrRefusal([&] { loadScan(scan); });
    });
}

void fuzzKerasH5(const std::uint8_t* data, std::size_t size)
{
    const fs::path file = writeScratch("model.h5", data, size);
    // In this process: libFuzzer's coverage comes from here (readKerasHdf5 would read in a child).
    expectReadOrRefusal([&] { importKerasModel(readKerasHdf5InThisProcess(file)); });
}

const std::vector<NamedFuzzTarget>& fuzzTargets()
{
    static const std::vector<NamedFuzzTarget> targets{
        {"fuzz_dicom_file", fuzzDicomFile},   {"fuzz_raster_image", fuzzRasterImage}, {"fuzz_metadata_csv", fuzzMetadataCsv},
        {"fuzz_split_json", fuzzSplitJson},   {"fuzz_run_files", fuzzRunFiles},       {"fuzz_model_file", fuzzModelFile},
        {"fuzz_nifti", fuzzNifti},            {"fuzz_dicom_series", fuzzDicomSeries}, {"fuzz_keras_h5", fuzzKerasH5},
    };
    return targets;
}

} // namespace neurodx::fuzz
