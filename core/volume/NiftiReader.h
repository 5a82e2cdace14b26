#pragma once

#include "volume/Volume.h"

#include <filesystem>

namespace neurodx {

// True when the name says NIfTI (".nii", ".nii.gz", any case) or the first bytes are a NIfTI-1/2
// header (gzip-compressed or not).
bool isNiftiFile(const std::filesystem::path& file);

// Reads a NIfTI-1 or NIfTI-2 volume (.nii or .nii.gz, either byte order) with nifti_clib. Every
// datatype NIfTI defines is accepted: integers and floats as they are, scl_slope/scl_inter applied
// (a slope of 0 means none, as nibabel reads it); complex values become their magnitude and RGB(A)
// its luma, each with a warning. Orientation as nibabel chooses it: the sform when its code is set,
// else the qform, else Analyze's default (with a warning). A 4D file gives its first volume with a
// warning. Throws NeuroDxError naming the file: not NIfTI, an Analyze 7.5 pair (no reliable
// orientation), a 2D image, absurd dimensions, truncated or damaged data.
Volume readNifti(const std::filesystem::path& file);

} // namespace neurodx
