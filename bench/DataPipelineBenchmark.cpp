// neurodx-bench: how fast the data pipeline is on this machine, on generated data.
//   scan      files/s of scanDataset over a tree of tiny PNG files (issue target: 50,000 in 2 s)
//   decode    slices/s of loadSlice + modelInput for 256x256 PNG and 16-bit DICOM phantoms
// Each measurement runs several times and prints the median, because machines here are noisy.
#include "dataset/DatasetScanner.h"
#include "imaging/ModelInput.h"
#include "imaging/SliceLoader.h"
#include "synthetic/PhantomGenerator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

template <typename F>
double medianSeconds(int runs, F&& work)
{
    std::vector<double> seconds;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        work();
        seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
}

void benchScan(const fs::path& work, int files)
{
    const fs::path root = work / "scan";
    // A real 1x1 PNG, copied: the scan reads headers only, so size does not matter.
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x3A, 0x7E, 0x9B, 0x55};
    const char* classes[] = {"CN", "MCI", "AD"};
    for (int i = 0; i < files; ++i) {
        char name[96];
        std::snprintf(name, sizeof name, "%s/%03d_S_%04d/ADNI_%03d_S_%04d_slice%03d.png", classes[i % 3], i / 100 % 1000, i / 100, i / 100 % 1000, i / 100, i % 100);
        const fs::path file = root / name;
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(png), sizeof png);
    }
    std::size_t found = 0;
    const double seconds = medianSeconds(5, [&] { found = neurodx::scanDataset(root).entries.size(); });
    std::printf("scan      %6d files   median %.3f s   %8.0f files/s   (%zu images found)\n", files, seconds, files / seconds, found);
}

void benchDecode(const fs::path& work, neurodx::PhantomOptions::Format format, const char* label)
{
    neurodx::PhantomOptions options;
    options.subjectsPerClass = 10;
    options.slicesPerSubject = 10;
    options.size = 256;
    options.format = format;
    const fs::path root = work / label;
    const auto summary = neurodx::writeSyntheticDataset(root, options);
    const double seconds = medianSeconds(5, [&] {
        for (const std::string& file : summary.files)
            neurodx::modelInput(neurodx::loadSlice(root / file), {256, 1});
    });
    std::printf("decode    %-6s 256x256   median %.3f s   %8.0f slices/s  (%zu slices, read + decode + window + resize)\n",
                label, seconds, summary.files.size() / seconds, summary.files.size());
}

} // namespace

int main(int argc, char** argv)
{
    const int files = argc > 1 ? std::atoi(argv[1]) : 50000;
    const fs::path work = fs::temp_directory_path() / "neurodx-bench";
    fs::remove_all(work);
    benchScan(work, files);
    benchDecode(work, neurodx::PhantomOptions::Format::Png, "png");
    benchDecode(work, neurodx::PhantomOptions::Format::Dicom, "dicom");
    fs::remove_all(work);
    return 0;
}
