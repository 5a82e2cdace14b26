// neurodx-bench: how fast the data pipeline is on this machine, on generated data.
//   scan      files/s of scanDataset over a tree of tiny PNG files (issue target: 50,000 in 2 s)
//   decode    slices/s of loadSlice + modelInput for 256x256 PNG and 16-bit DICOM phantoms
//   volumes   reading a 170-slice DICOM series; scan-level prediction of 64 axial slices
// Each measurement runs several times and prints the median, because machines here are noisy.
#include "DistributedBenchmark.h"
#include "TrainingBenchmark.h"
#include "distributed/DistributedGroup.h"
#include "distributed/DistributedSetup.h"
#include "VolumeBenchmark.h"

#include "common/ComputeSetup.h"
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

// `tsv`: one tab-separated line per measurement for bench/compare.sh; 3 channels only.
void benchTraining(int threads, bool tsv)
{
    using namespace neurodx::bench;
    for (const char* model : {"vanilla", "tuned"}) {
        const bool bf16 = neurodx::cpuSupportsBf16();
        if (tsv) {
            // model, train, ready, infer b32, infer b1 (default precision), train --bf16, infer b1 fp32
            // Training first, as in a fresh process: inference's buffers left in the heap slowed a
            // following training by a quarter (measured), which no user's training run sees.
            // 480 slices = 15 batches per epoch: each epoch starts its loader and waits for the first
            // batch, which a real epoch (~130 batches for ADNI-sized data) spreads much thinner.
            const double train = pipelineSlicesPerSecond(model, 3, true, 480, threads);
            const double ready = readyTensorSlicesPerSecond(model, 3, 12, threads);
            const double trainBf16 = bf16 ? pipelineSlicesPerSecond(model, 3, true, 480, threads, true) : 0.0;
            const InferenceTiming t = inferenceTiming(model, 3, threads, bf16);
            const InferenceTiming fp32 = inferenceTiming(model, 3, threads, false);
            std::printf("%s\t%.2f\t%.2f\t%.2f\t%.3f\t%.2f\t%.3f\n", model, train, ready, t.batch32SlicesPerSecond, t.batch1Milliseconds, trainBf16,
                        fp32.batch1Milliseconds);
            continue;
        }
        for (int channels : {3, 1}) {
            const double ready = readyTensorSlicesPerSecond(model, channels, 6, threads);
            const double augmented = pipelineSlicesPerSecond(model, channels, true, 480, threads);
            const double plain = pipelineSlicesPerSecond(model, channels, false, 480, threads);
            std::printf("train     %-7s %dx256x256  ready tensors %6.1f  pipeline+augment %6.1f  pipeline %6.1f slices/s  (pipeline/ready %.0f%%)\n",
                        model, channels, ready, augmented, plain, 100.0 * augmented / ready);
        }
        for (const bool autocast : {false, bf16}) {
            const InferenceTiming t = inferenceTiming(model, 3, threads, autocast);
            std::printf("infer     %-7s 3x256x256  %s  batch 32 %6.1f slices/s  batch 1 %6.2f ms\n", model, autocast ? "bf16" : "fp32",
                        t.batch32SlicesPerSecond, t.batch1Milliseconds);
            if (!bf16)
                break;
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    // What NeuroDx's executables do at start-up: keep freed activation buffers in the process.
    neurodx::configureMemoryAllocator();
    const std::string what = argc > 1 ? argv[1] : "all";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const fs::path work = fs::temp_directory_path() / "neurodx-bench";
    fs::remove_all(work);
    if (what == "all" || what == "data") {
        benchScan(work, 50000);
        benchDecode(work, neurodx::PhantomOptions::Format::Png, "png");
        benchDecode(work, neurodx::PhantomOptions::Format::Dicom, "dicom");
    }
    if (what == "all" || what == "train")
        benchTraining(threads, false);
    if (what == "train-tsv")
        benchTraining(threads, true);
    if (what == "all" || what == "latency")
    {
        std::printf("predict   tuned   one 256x256 DICOM file end to end: %.2f ms default precision, %.2f ms fp32 (medians of 20)\n",
                    neurodx::bench::endToEndDicomMilliseconds(threads), neurodx::bench::endToEndDicomMilliseconds(threads, true));
    }
    if (what == "kernels") {
        for (const int channels : {16, 32}) {
            for (const bool channelsLast : {false, true}) {
                const neurodx::bench::PoolTiming t = neurodx::bench::reluMaxPoolTiming(channels, channelsLast, threads);
                std::printf("relu+pool 32x%dx256x256 %-13s forward %6.1f -> %5.1f ms fused   forward+backward %6.1f -> %5.1f ms fused\n",
                            channels, channelsLast ? "channels-last" : "NCHW", t.unfusedForward, t.fusedForward, t.unfusedTraining,
                            t.fusedTraining);
            }
        }
    }
    if (what == "all" || what == "volumes") {
        for (const bool compressed : {false, true}) {
            const neurodx::bench::SeriesTiming t = neurodx::bench::seriesReadTiming(170, compressed);
            std::printf("series    170 x 256x256 sagittal DICOM %-14s headers + assembly %.3f s   open (decode, reorient) %.3f s (target 1.5 s)\n",
                        compressed ? "JPEG lossless" : "uncompressed", t.headersSeconds, t.openSeconds);
        }
        for (const int channels : {1, 3})
            std::printf("scan      tuned   %dx256 px, 64 axial slices of a 256x256x170 head, default precision: %.0f ms (target 1000 ms)\n", channels,
                        neurodx::bench::scanPredictionMilliseconds(64, channels, threads));
    }
    if (what == "allreduce") { // as each rank of a job: bench/allreduce.sh starts them
        const neurodx::DistributedSetup setup = neurodx::distributedSetupFrom(neurodx::distributedEnvironment(), std::chrono::seconds(600));
        neurodx::DistributedGroup group(setup);
        for (const char* architecture : {"vanilla", "tuned"}) {
            const neurodx::bench::AllreduceTiming t = neurodx::bench::allreduceTiming(group, architecture, 16, 5, threads);
            if (group.isLeader())
                std::printf("allreduce %-7s %d ranks x %d thread(s), 16 x 3x256x256 per rank: gradients %.1f MB in %d bucket(s), "
                            "exchange %.1f ms of a %.0f ms step (%.1f%%)\n",
                            architecture, group.worldSize(), threads, t.gradientMegabytes, t.buckets, t.allreduceMilliseconds, t.stepMilliseconds,
                            100.0 * t.allreduceMilliseconds / t.stepMilliseconds);
        }
    }
    if (what == "rss") // separate: a fresh process, so the peak is this run's alone
        std::printf("memory    tuned   5,154 cached 256x256 slices + one training epoch: peak RSS %.0f MiB\n",
                    neurodx::bench::peakRssAfterTrainingMiB(5154, threads));
    fs::remove_all(work);
    return 0;
}
