#include "PhantomVolume.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "synthetic/PhantomTissue.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace neurodx {

namespace {

constexpr double kPi = 3.14159265358979323846;
// The skull closes within this many levels above the vertex (29 mm) and the brain within this many
// below the skull base (40 mm), each as a half-ellipsoid, so scalp and skull wrap the brain there too.
constexpr double kDomeLevels = 0.18;
constexpr double kBaseLevels = 0.25;
// The neck: a cylinder of this fraction of the head's skull-base radii, shifted posterior.
constexpr double kNeckScale = 0.55;
constexpr double kNeckShift = 0.08;
// The grid's cube is centred below z = 0 so it holds the dome with air above and some neck below.
constexpr double kFieldCentreZ = -8.0;

Vec3 scaled(const Vec3& a, double f) { return {a[0] * f, a[1] * f, a[2] * f}; }

// The continuous head of one subject, in LPS millimetres.
class HeadModel {
public:
    HeadModel(const PhantomSubject& subject, double gain)
        : m_s(subject), m_tissue(phantom::tissueLevels(subject)), m_gain(gain), m_cos(std::cos(subject.rotation)),
          m_sin(std::sin(subject.rotation)), m_base(phantom::crossSection(0.0)), m_top(phantom::crossSection(1.0))
    {
    }

    double valueAt(const Vec3& p) const
    {
        // The 2D renderer's image coordinates: x / 256 mm is its px (column, to the Left), y its py.
        const double px = p[0] / 256.0 - m_s.offsetX;
        const double py = p[1] / 256.0 - m_s.offsetY;
        const double level = (p[2] - kPhantomLevelZeroMm) / kPhantomHeadHeightMm;
        const double qx = m_cos * px + m_sin * py, qy = -m_sin * px + m_cos * py;
        double value;
        if (level >= 0.0 && level <= 1.0) {
            const double section = phantom::crossSection(level);
            value = phantom::tissueAt(m_s, m_tissue, qx / (m_s.headRadiusX * section), qy / (m_s.headRadiusY * section), level);
        } else if (level > 1.0) {
            value = cap(qx / (m_s.headRadiusX * m_top), qy / (m_s.headRadiusY * m_top), (level - 1.0) / kDomeLevels, level);
        } else {
            const double u = qx / (m_s.headRadiusX * m_base), v = qy / (m_s.headRadiusY * m_base), w = level / kBaseLevels;
            value = u * u + v * v + w * w <= 1.0 ? cap(u, v, w, level) : neck(u / kNeckScale, (v - kNeckShift) / kNeckScale);
        }
        const double bias = 1.0 + m_s.biasX * px + m_s.biasY * py + m_s.biasXY * px * py;
        return value * bias * m_gain;
    }

private:
    // Inside a half-ellipsoid that closes the head: the axial tissue pattern with the in-plane radius
    // replaced by the 3D one, so the layers (scalp, skull, CSF, cortex) follow the curved surface.
    double cap(double u, double v, double w, double level) const
    {
        const double planar = std::sqrt(u * u + v * v);
        const double radius = std::sqrt(planar * planar + w * w);
        if (radius > 1.0)
            return 0.0;
        if (planar == 0.0)
            return phantom::tissueAt(m_s, m_tissue, radius, 0.0, level);
        const double f = radius / planar;
        return phantom::tissueAt(m_s, m_tissue, u * f, v * f, level);
    }

    // Neck below the brain: skin, muscle, the spinal cord in its canal (T1: cord bright, canal dark).
    double neck(double u, double v) const
    {
        const double r = std::sqrt(u * u + v * v);
        if (r > 1.0)
            return 0.0;
        if (r > 0.9)
            return m_tissue.scalp;
        const double c = std::sqrt(u * u + (v - 0.4) * (v - 0.4));
        if (c < 0.12)
            return m_tissue.white * 0.95;
        if (c < 0.2)
            return m_tissue.csf;
        return m_tissue.grey * 0.75;
    }

    const PhantomSubject& m_s;
    phantom::Tissue m_tissue;
    double m_gain, m_cos, m_sin, m_base, m_top;
};

// A standard normal pair from a stream keyed on the voxel centre's position (1/64 mm), so noise does
// not depend on the order voxels are stored or visited in.
SeededRandom noiseStreamAt(std::uint64_t seed, const Vec3& p)
{
    std::uint64_t key = seed;
    for (const double c : p)
        key = SeededRandom::derive(key, static_cast<std::uint64_t>(std::llround(c * 64.0)));
    return SeededRandom(key);
}

void checkGrid(const VolumeGeometry& g)
{
    for (int a = 0; a < 3; ++a) {
        if (g.size[static_cast<std::size_t>(a)] < 1 || !(g.spacing[static_cast<std::size_t>(a)] > 0.0))
            throw NeuroDxError(ErrorKind::InvalidArgument, "phantom grid needs at least one voxel and a positive spacing on every axis");
    }
    if (std::abs(dot(g.direction[0], cross(g.direction[1], g.direction[2]))) < 1e-6)
        throw NeuroDxError(ErrorKind::InvalidArgument, "phantom grid axes are degenerate (coplanar)");
    if (g.voxelCount() > std::size_t{1} << 30)
        throw NeuroDxError(ErrorKind::InvalidArgument, "phantom grid is larger than 2^30 voxels");
}

} // namespace

VolumeGeometry phantomHeadGrid(int inPlaneVoxels, int slices, PhantomPlane plane, double obliqueDegrees)
{
    if (inPlaneVoxels < 2 || slices < 2 || inPlaneVoxels > 2048 || slices > 2048)
        throw NeuroDxError(ErrorKind::InvalidArgument, "phantom grid needs 2..2048 voxels per side and 2..2048 slices");
    VolumeGeometry g;
    g.size = {inPlaneVoxels, inPlaneVoxels, slices};
    g.spacing = {kPhantomFieldOfViewMm / inPlaneVoxels, kPhantomFieldOfViewMm / inPlaneVoxels, kPhantomFieldOfViewMm / slices};
    switch (plane) {
    case PhantomPlane::Axial: g.direction = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}; break;
    case PhantomPlane::Coronal: g.direction = {{{1, 0, 0}, {0, 0, -1}, {0, 1, 0}}}; break;
    case PhantomPlane::Sagittal: g.direction = {{{0, 1, 0}, {0, 0, -1}, {-1, 0, 0}}}; break;
    }
    if (obliqueDegrees != 0.0) {
        // Rotation about the patient x axis (left-right).
        const double t = obliqueDegrees * kPi / 180.0, c = std::cos(t), s = std::sin(t);
        for (Vec3& d : g.direction)
            d = {d[0], c * d[1] - s * d[2], s * d[1] + c * d[2]};
    }
    const Vec3 centre{0.0, 0.0, kFieldCentreZ};
    g.origin = centre;
    for (std::size_t a = 0; a < 3; ++a) {
        const Vec3 step = scaled(g.direction[a], -0.5 * (g.size[a] - 1) * g.spacing[a]);
        for (std::size_t c = 0; c < 3; ++c)
            g.origin[c] += step[c];
    }
    return g;
}

VolumeGeometry reorderedGrid(const VolumeGeometry& grid, const std::string& axisCodes)
{
    const std::string current = grid.axisCodes();
    const auto patientAxis = [](char letter) {
        switch (letter) {
        case 'L': case 'R': return 0;
        case 'P': case 'A': return 1;
        case 'S': case 'I': return 2;
        default: return -1;
        }
    };
    if (axisCodes.size() != 3)
        throw NeuroDxError(ErrorKind::InvalidArgument, "axis codes must be three letters, not '" + axisCodes + "'");
    VolumeGeometry result = grid;
    std::array<int, 3> index{0, 0, 0}; // the old grid's index of the new origin voxel
    bool used[3] = {false, false, false};
    for (std::size_t a = 0; a < 3; ++a) {
        const int wanted = patientAxis(axisCodes[a]);
        std::size_t b = 0;
        while (b < 3 && patientAxis(current[b]) != wanted)
            ++b;
        if (wanted < 0 || b == 3 || used[b])
            throw NeuroDxError(ErrorKind::InvalidArgument, "axis codes '" + axisCodes + "' do not name three different axes of a " + current + " grid");
        used[b] = true;
        const bool flip = current[b] != axisCodes[a];
        result.size[a] = grid.size[b];
        result.spacing[a] = grid.spacing[b];
        result.direction[a] = scaled(grid.direction[b], flip ? -1.0 : 1.0);
        if (flip)
            index[b] = grid.size[b] - 1;
    }
    result.origin = grid.toPatient(index[0], index[1], index[2]);
    return result;
}

Volume renderPhantomVolume(const PhantomSubject& subject, const VolumeGeometry& grid, std::uint64_t noiseSeed,
                           const PhantomVolumeOptions& options)
{
    checkGrid(grid);
    Volume volume;
    volume.geometry = grid;
    volume.voxels.assign(grid.voxelCount(), 0.0f);
    volume.source.kind = "synthetic phantom";
    volume.source.seriesDescription = "Synthetic T1 phantom";
    volume.source.storedAxes = grid.axisCodes();

    const HeadModel head(subject, options.gain);
    // The voxel's extent along each patient axis; sub-samples at +-1/4 of it average the voxel.
    Vec3 extent{0, 0, 0};
    for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t c = 0; c < 3; ++c)
            extent[c] += std::abs(grid.direction[a][c]) * grid.spacing[a];

    const auto renderSlice = [&](int k) {
        for (int j = 0; j < grid.size[1]; ++j) {
            for (int i = 0; i < grid.size[0]; ++i) {
                const Vec3 p = grid.toPatient(i, j, k);
                double value = 0.0;
                if (options.partialVolume) {
                    for (const double dz : {-0.25, 0.25})
                        for (const double dy : {-0.25, 0.25})
                            for (const double dx : {-0.25, 0.25})
                                value += head.valueAt({p[0] + dx * extent[0], p[1] + dy * extent[1], p[2] + dz * extent[2]});
                    value *= 0.125;
                } else {
                    value = head.valueAt(p);
                }
                if (options.noise) {
                    // Rician noise, as in magnitude MR images: |signal + complex Gaussian noise|.
                    SeededRandom noise = noiseStreamAt(noiseSeed, p);
                    const double re = value + subject.noiseSigma * noise.normal();
                    const double im = subject.noiseSigma * noise.normal();
                    value = std::sqrt(re * re + im * im);
                }
                volume.voxels[volume.offset(i, j, k)] = static_cast<float>(std::clamp(value, 0.0, 1.0));
            }
        }
    };

    const int hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::clamp(options.threads > 0 ? options.threads : hardware, 1, std::max(1, grid.size[2]));
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int k = t; k < grid.size[2]; k += threads)
                renderSlice(k);
        });
    for (int k = 0; k < grid.size[2]; k += threads)
        renderSlice(k);
    for (std::thread& worker : workers)
        worker.join();
    return volume;
}

} // namespace neurodx
