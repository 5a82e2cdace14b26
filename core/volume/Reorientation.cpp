#include "Reorientation.h"

#include "common/NeuroDxError.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <thread>

namespace neurodx {

namespace {

// Bounds of the grid an oblique scan is resampled onto: 8 times a large 512^3 scan at most.
constexpr double kMaxResampledSide = 4096;
constexpr std::size_t kMaxResampledVoxels = std::size_t{1} << 30;

std::string degrees(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f degrees", value);
    return text;
}

// For each stored axis: the patient axis it points along most, and the sign. Empty when two axes
// pick the same patient axis (beyond any tolerance anyway).
struct AxisMap {
    std::array<int, 3> patientAxis{};
    std::array<int, 3> sign{};
    bool valid = false;
};

AxisMap nearestPatientAxes(const VolumeGeometry& g)
{
    AxisMap map;
    std::array<bool, 3> taken{};
    for (int a = 0; a < 3; ++a) {
        const Vec3& d = g.direction[static_cast<std::size_t>(a)];
        int best = 0;
        for (int c = 1; c < 3; ++c)
            if (std::abs(d[static_cast<std::size_t>(c)]) > std::abs(d[static_cast<std::size_t>(best)]))
                best = c;
        if (taken[static_cast<std::size_t>(best)])
            return map;
        taken[static_cast<std::size_t>(best)] = true;
        map.patientAxis[static_cast<std::size_t>(a)] = best;
        map.sign[static_cast<std::size_t>(a)] = d[static_cast<std::size_t>(best)] >= 0 ? 1 : -1;
    }
    map.valid = true;
    return map;
}

bool isOrthogonal(const VolumeGeometry& g)
{
    return std::abs(dot(g.direction[0], g.direction[1])) < 1e-3 && std::abs(dot(g.direction[0], g.direction[2])) < 1e-3 &&
           std::abs(dot(g.direction[1], g.direction[2])) < 1e-3;
}

// Exact reordering: new axis c is old axis a (flipped when it pointed the other way).
Volume permute(const Volume& in, const AxisMap& map)
{
    const VolumeGeometry& g = in.geometry;
    const std::array<std::ptrdiff_t, 3> stride{1, g.size[0], static_cast<std::ptrdiff_t>(g.size[0]) * g.size[1]};
    Volume out;
    out.source = in.source;
    std::array<std::ptrdiff_t, 3> step{};
    std::ptrdiff_t base = 0;
    std::array<double, 3> oldIndexOfOrigin{};
    for (int a = 0; a < 3; ++a) {
        const auto ua = static_cast<std::size_t>(a);
        const auto c = static_cast<std::size_t>(map.patientAxis[ua]);
        out.geometry.size[c] = g.size[ua];
        out.geometry.spacing[c] = g.spacing[ua];
        for (std::size_t k = 0; k < 3; ++k)
            out.geometry.direction[c][k] = map.sign[ua] * g.direction[ua][k];
        step[c] = map.sign[ua] > 0 ? stride[ua] : -stride[ua];
        if (map.sign[ua] < 0) {
            base += (g.size[ua] - 1) * stride[ua];
            oldIndexOfOrigin[ua] = g.size[ua] - 1;
        }
    }
    out.geometry.origin = g.toPatient(oldIndexOfOrigin[0], oldIndexOfOrigin[1], oldIndexOfOrigin[2]);
    if (in.source.sliceAxis >= 0) {
        const auto sliceAxis = static_cast<std::size_t>(in.source.sliceAxis);
        out.source.sliceAxis = map.patientAxis[sliceAxis];
        out.source.sliceAxisReversed = in.source.sliceAxisReversed != (map.sign[sliceAxis] < 0);
    }
    out.voxels.resize(in.voxels.size());
    const auto& size = out.geometry.size;
    float* dst = out.voxels.data();
    for (int k = 0; k < size[2]; ++k)
        for (int j = 0; j < size[1]; ++j) {
            const std::ptrdiff_t row = base + k * step[2] + j * step[1];
            for (int i = 0; i < size[0]; ++i)
                *dst++ = in.voxels[static_cast<std::size_t>(row + i * step[0])];
        }
    return out;
}

// The patient-aligned (LPS) grid that covers `g`, with each axis' spacing taken from the stored
// axis nearest to it, so resampling keeps about the same number of voxels.
VolumeGeometry alignedGridCovering(const VolumeGeometry& g)
{
    Vec3 low{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
    Vec3 high{std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (int corner = 0; corner < 8; ++corner) {
        const Vec3 p = g.toPatient((corner & 1) ? g.size[0] - 1 : 0, (corner & 2) ? g.size[1] - 1 : 0, (corner & 4) ? g.size[2] - 1 : 0);
        for (std::size_t c = 0; c < 3; ++c) {
            low[c] = std::min(low[c], p[c]);
            high[c] = std::max(high[c], p[c]);
        }
    }
    VolumeGeometry grid;
    const double finest = std::min({g.spacing[0], g.spacing[1], g.spacing[2]});
    for (std::size_t c = 0; c < 3; ++c) {
        double spacing = finest;
        double bestCosine = 0;
        for (std::size_t a = 0; a < 3; ++a)
            if (std::abs(g.direction[a][c]) > bestCosine) {
                bestCosine = std::abs(g.direction[a][c]);
                spacing = g.spacing[a];
            }
        grid.spacing[c] = spacing;
        // A damaged header (spacing near zero, positions near infinity) asks for a grid no memory
        // holds: 0 says so to the caller, which refuses the scan (fuzz_nifti).
        const double steps = std::floor((high[c] - low[c]) / spacing + 1e-6) + 1;
        grid.size[c] = std::isfinite(steps) && steps >= 1 && steps <= kMaxResampledSide ? static_cast<int>(steps) : 0;
        grid.origin[c] = low[c];
    }
    return grid;
}

} // namespace

Volume resampleOnto(const Volume& volume, const VolumeGeometry& grid, float background)
{
    Volume out;
    out.geometry = grid;
    out.source = volume.source;
    out.voxels.assign(grid.voxelCount(), background);
    const VolumeGeometry& g = volume.geometry;
    // The source index moves linearly with the target index: precompute the three steps.
    const Vec3 start = g.toIndex(grid.toPatient(0, 0, 0));
    std::array<Vec3, 3> delta{};
    for (int a = 0; a < 3; ++a) {
        const Vec3 next = g.toIndex(grid.toPatient(a == 0, a == 1, a == 2));
        for (std::size_t c = 0; c < 3; ++c)
            delta[static_cast<std::size_t>(a)][c] = next[c] - start[c];
    }
    const double limit[3] = {g.size[0] - 1.0, g.size[1] - 1.0, g.size[2] - 1.0};
    constexpr double kEdge = 1e-4; // voxel centres on the border, up to rounding
    const auto sliceWork = [&](int k0, int k1) {
        for (int k = k0; k < k1; ++k)
            for (int j = 0; j < grid.size[1]; ++j) {
                float* dst = out.voxels.data() + (static_cast<std::size_t>(k) * static_cast<std::size_t>(grid.size[1]) + static_cast<std::size_t>(j)) *
                                                     static_cast<std::size_t>(grid.size[0]);
                for (int i = 0; i < grid.size[0]; ++i) {
                    double p[3];
                    bool inside = true;
                    for (std::size_t c = 0; c < 3; ++c) {
                        p[c] = start[c] + i * delta[0][c] + j * delta[1][c] + k * delta[2][c];
                        if (p[c] < -kEdge || p[c] > limit[c] + kEdge)
                            inside = false;
                        p[c] = std::clamp(p[c], 0.0, limit[c]);
                    }
                    if (!inside)
                        continue;
                    int i0[3];
                    double t[3];
                    for (std::size_t c = 0; c < 3; ++c) {
                        i0[c] = std::min(static_cast<int>(p[c]), std::max(0, static_cast<int>(limit[c]) - 1));
                        t[c] = p[c] - i0[c];
                        if (limit[c] == 0) { // a one-voxel axis
                            i0[c] = 0;
                            t[c] = 0;
                        }
                    }
                    const int i1[3] = {std::min(i0[0] + 1, g.size[0] - 1), std::min(i0[1] + 1, g.size[1] - 1), std::min(i0[2] + 1, g.size[2] - 1)};
                    const auto v = [&](int x, int y, int z) { return static_cast<double>(volume.at(x, y, z)); };
                    const double c00 = v(i0[0], i0[1], i0[2]) * (1 - t[0]) + v(i1[0], i0[1], i0[2]) * t[0];
                    const double c10 = v(i0[0], i1[1], i0[2]) * (1 - t[0]) + v(i1[0], i1[1], i0[2]) * t[0];
                    const double c01 = v(i0[0], i0[1], i1[2]) * (1 - t[0]) + v(i1[0], i0[1], i1[2]) * t[0];
                    const double c11 = v(i0[0], i1[1], i1[2]) * (1 - t[0]) + v(i1[0], i1[1], i1[2]) * t[0];
                    const double c0 = c00 * (1 - t[1]) + c10 * t[1];
                    const double c1 = c01 * (1 - t[1]) + c11 * t[1];
                    dst[i] = static_cast<float>(c0 * (1 - t[2]) + c1 * t[2]);
                }
            }
    };
    const int threads = static_cast<int>(std::max(1u, std::min(4u, std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    const int perThread = (grid.size[2] + threads - 1) / threads;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(sliceWork, std::min(grid.size[2], t * perThread), std::min(grid.size[2], (t + 1) * perThread));
    sliceWork(0, std::min(grid.size[2], perThread));
    for (std::thread& t : pool)
        t.join();
    return out;
}

Volume toCanonical(Volume volume, double obliqueToleranceDegrees)
{
    const double obliquity = volume.geometry.obliquityDegrees();
    const AxisMap map = nearestPatientAxes(volume.geometry);
    if (map.valid && obliquity <= obliqueToleranceDegrees && isOrthogonal(volume.geometry)) {
        const bool identity = map.patientAxis == std::array<int, 3>{0, 1, 2} && map.sign == std::array<int, 3>{1, 1, 1};
        Volume out = identity ? std::move(volume) : permute(volume, map);
        if (obliquity >= 0.5)
            out.source.warnings.push_back("acquired oblique by " + degrees(obliquity) + ": slices follow the acquisition planes (within the " +
                                          degrees(obliqueToleranceDegrees) + " kept without interpolation)");
        return out;
    }
    const VolumeGeometry grid = alignedGridCovering(volume.geometry);
    if (grid.size[0] == 0 || grid.size[1] == 0 || grid.size[2] == 0 || grid.voxelCount() > kMaxResampledVoxels)
        throw NeuroDxError(ErrorKind::CorruptFile, volume.source.path,
                           "its geometry (spacing, orientation) would make a grid larger than any scan: damaged header");
    Volume out = resampleOnto(volume, grid);
    out.source.sliceAxis = -1;
    out.source.warnings.push_back("acquired oblique by " + degrees(obliquity) +
                                  ": resampled onto axial, coronal and sagittal planes with trilinear interpolation");
    return out;
}

} // namespace neurodx
