#pragma once

#include "synthetic/PhantomGenerator.h"
#include "volume/Volume.h"

#include <cstdint>
#include <string>

namespace neurodx {

// The synthetic head as a continuous object in LPS patient space (millimetres), so one subject can
// be "acquired" on any voxel grid: axial, sagittal or coronal storage, flipped axes, oblique.
//
// Physical frame: the 2D phantom's image side is 256 mm (the 2D DICOM writer's pixel spacing is
// 256 / size), centred on x = y = 0; its column runs to the patient's Left (+x), its row to
// Posterior (+y). The 2D level 0 (skull base) .. 1 (vertex) spans kPhantomHeadHeightMm along +z
// from z = kPhantomLevelZeroMm, so the axial section of the volume at a level is the 2D slice at
// that level (before the 2D renderer's blur and noise). Above level 1 the skull closes in a dome
// with air above it; below level 0 the brain closes and a narrower neck continues to the bottom of
// any field of view, as in a real head scan.
constexpr double kPhantomHeadHeightMm = 160.0;
constexpr double kPhantomLevelZeroMm = -80.0;
constexpr double kPhantomFieldOfViewMm = 288.0; // phantomHeadGrid's cube: the head plus air around it

enum class PhantomPlane {
    Axial,    // LPS: rows to the Left, columns Posterior, slices Superior (direction identity)
    Coronal,  // LIP: DICOM 1\0\0\0\0\-1, slices Posterior
    Sagittal, // PIR: DICOM 0\1\0\0\0\-1 as most ADNI MPRAGE, slices to the Right
};

// A grid covering the head with air around it: a kPhantomFieldOfViewMm cube centred at (0, 0, -8) mm
// (the head and the top of the neck), inPlaneVoxels x inPlaneVoxels per slice and `slices` slices along the
// plane's normal. `obliqueDegrees` tilts the grid about the patient's left-right axis around the
// cube's centre (a pitch, like an AC-PC aligned acquisition). Throws NeuroDxError on sizes < 2.
VolumeGeometry phantomHeadGrid(int inPlaneVoxels, int slices, PhantomPlane plane = PhantomPlane::Axial,
                               double obliqueDegrees = 0.0);

// The same voxel centres stored in another axis order: axis a of the result points to the patient
// direction named by axisCodes[a] ("LPS", "RAS", "PIR", "SAL"...; the letters of
// VolumeGeometry::axisCodes). A volume rendered on it is a pure permutation (and flip) of one
// rendered on `grid`. Throws NeuroDxError when the codes do not name three different axes.
VolumeGeometry reorderedGrid(const VolumeGeometry& grid, const std::string& axisCodes);

struct PhantomVolumeOptions {
    // Rician noise with the subject's sigma, as the 2D slices have. Each voxel's noise is a function
    // of the noise seed and the voxel centre's patient position, so the same voxel centres give
    // the same values on every grid orientation.
    bool noise = true;
    // Partial volume: each voxel averages 2x2x2 samples of the continuous head spread over the
    // voxel's extent along the patient axes (not a voxel-space blur, which would depend on the
    // storage order).
    bool partialVolume = true;
    double gain = 1.0; // multiplies the subject's own gain
    int threads = 0;   // 0: one per core
};

// Samples the subject's head at every voxel centre of `grid`. T1-like values in [0, 1] (white
// matter bright, CSF dark, air 0 before noise). Same inputs -> same voxels, whatever the thread count.
// Throws NeuroDxError on an empty or degenerate grid.
Volume renderPhantomVolume(const PhantomSubject& subject, const VolumeGeometry& grid, std::uint64_t noiseSeed,
                           const PhantomVolumeOptions& options = {});

} // namespace neurodx
