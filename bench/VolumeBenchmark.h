#pragma once

#include <string>

namespace neurodx::bench {

// Reading a DICOM series as a user opens it (openScan on its folder: headers, assembly, parallel
// decode, reorientation): a 256x256 sagittal MPRAGE-like series of `slices` files. Median seconds.
struct SeriesTiming {
    double headersSeconds = 0; // findScans: every header read and the series assembled
    double openSeconds = 0;    // openScan: the above plus decoding and reorientation
};
SeriesTiming seriesReadTiming(int slices, bool compressed);

// Scan-level prediction of `slices` axial slices of a 256x256x170 head with the tuned CNN at 256 px
// (`channels` 1 or 3), default precision: slicing, windowing, resizing, forward and the mean.
// Median milliseconds, the volume already read.
double scanPredictionMilliseconds(int slices, int channels, int threads);

} // namespace neurodx::bench
