#include "VolumeBenchmark.h"

#include "common/ComputeSetup.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "inference/ScanPrediction.h"
#include "ModelRegistry.h"
#include "synthetic/PhantomVolume.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/Reorientation.h"
#include "volume/ScanFinder.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <filesystem>
#include <vector>

namespace neurodx::bench {

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double medianSeconds(int warmups, int runs, F&& work)
{
    for (int i = 0; i < warmups; ++i)
        work();
    std::vector<double> seconds;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        work();
        seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    return seconds[seconds.size() / 2];
}

Volume head(int inPlane, int slices, PhantomPlane plane)
{
    return renderPhantomVolume(drawPhantomSubject(5, 1, 1.0, 0.5), phantomHeadGrid(inPlane, slices, plane), 3);
}

} // namespace

SeriesTiming seriesReadTiming(int slices, bool compressed)
{
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "neurodx-bench-series";
    std::filesystem::remove_all(folder);
    DicomSeriesWriteOptions options;
    options.shuffleFileNames = true;
    options.randomInstanceNumbers = true;
    options.rescaleSlope = 1.0;
    options.rescaleIntercept = 0.0;
    if (compressed)
        options.encoding = DicomEncoding::JpegLossless;
    Volume volume = head(256, slices, PhantomPlane::Sagittal);
    for (float& v : volume.voxels)
        v = std::round(v * 4000.0f); // 12-bit scanner values, as ADNI's files hold
    writeDicomSeries(folder, volume, options);
    SeriesTiming t;
    // The first run reads the files from disk into the page cache; the median is of warm runs, as
    // when a user opens a series the operating system has just copied or indexed.
    t.headersSeconds = medianSeconds(1, 5, [&] { findScans(folder); });
    t.openSeconds = medianSeconds(1, 5, [&] { openScan(folder); });
    std::filesystem::remove_all(folder);
    return t;
}

double scanPredictionMilliseconds(int slices, int channels, int threads)
{
    setComputeThreads(threads);
    ModelSpec spec;
    spec.architecture = neurodx::Architecture::Tuned;
    spec.inputChannels = channels;
    const auto model = createModel(spec);
    nlohmann::json extra;
    extra["dataset"]["slices"] = SliceSelection::parse(SlicePlane::Axial, "central:" + std::to_string(slices)).toJson();
    ModelBundle bundle{model, spec, {"CN", "MCI", "AD"}, {256, channels}, modelMetadata(spec, {"CN", "MCI", "AD"}, {256, channels}, extra)};
    Predictor predictor(std::move(bundle), InferencePrecision::Auto);
    const Volume volume = toCanonical(head(256, 170, PhantomPlane::Axial));
    return 1000.0 * medianSeconds(1, 7, [&] { predictScan(predictor, volume); });
}

} // namespace neurodx::bench
