#pragma once

#include "volume/Volume.h"

namespace neurodx {

// Voxel axes within this many degrees of a patient axis are only permuted and flipped (exact, no
// interpolation): the slices then follow the acquisition, tilted by at most this angle. Beyond it
// the volume is resampled onto patient-aligned planes with trilinear interpolation. 5 degrees keeps
// the usual small obliquity of brain MRI exact while no slice leans enough to cut across anatomy.
inline constexpr double kObliqueToleranceDegrees = 5.0;

// NeuroDx's one canonical storage for every volume, whatever the input's orientation
// (radiological or neurological, sagittal, coronal or axial acquisition): i towards the patient's
// Left, j towards Posterior, k towards Superior ("LPS", DICOM's patient axes). Axial slices taken
// from it show the patient's right on the image's left and anterior at the top, as radiology
// viewers do. What was done is added to volume.source.warnings when it matters (an oblique
// acquisition kept or resampled).
Volume toCanonical(Volume volume, double obliqueToleranceDegrees = kObliqueToleranceDegrees);

// Samples `volume` at the voxel centres of `grid` with trilinear interpolation; points outside the
// volume get `background`.
Volume resampleOnto(const Volume& volume, const VolumeGeometry& grid, float background = 0.0f);

} // namespace neurodx
