#pragma once

#include "synthetic/PhantomGenerator.h"

// Internal to core/synthetic: the continuous head model that the 2D slice renderer
// (PhantomGenerator.cpp) and the 3D volume renderer (PhantomVolume.cpp) both sample, so a subject's
// anatomy and its class effects are the same in a slice and in a volume.
namespace neurodx::phantom {

// T1-like intensity of each tissue for one subject (gain included).
struct Tissue {
    double csf, grey, white, skull, scalp;
};

// Kept below 1 so gain and bias field do not clip white matter.
Tissue tissueLevels(const PhantomSubject& subject);

// Scale of the head's axial cross-section at `level` (0 skull base .. 1 vertex) relative to the
// subject's head radii: it shrinks towards the skull base and the vertex.
double crossSection(double level);

// Tissue intensity at one point of an axial section, in normalised head coordinates (u, v): the
// head's outer boundary is the unit circle (scalp from 0.95, then skull, CSF, cortex, white matter).
double tissueAt(const PhantomSubject& subject, const Tissue& tissue, double u, double v, double level);

} // namespace neurodx::phantom
