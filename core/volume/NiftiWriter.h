#pragma once

#include "volume/Volume.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

enum class NiftiVersion { Nifti1, Nifti2 };

enum class NiftiDataType { UInt8, Int16, UInt16, Int32, Float32, Float64 };

// Which of NIfTI's two voxel-to-world transforms the header carries (the other's code is 0).
enum class NiftiTransforms {
    SformAndQform,
    SformOnly,
    QformOnly,
    None, // both codes 0: readers fall back to pixdim alone (ANALYZE-style orientation)
};

struct NiftiWriteOptions {
    NiftiVersion version = NiftiVersion::Nifti1;
    NiftiDataType dataType = NiftiDataType::Float32;
    NiftiTransforms transforms = NiftiTransforms::SformAndQform;
    int sformCode = 2; // NIFTI_XFORM_ALIGNED_ANAT, as dcm2niix writes
    int qformCode = 1; // NIFTI_XFORM_SCANNER_ANAT
    // Stored value * scl_slope + scl_inter = voxel value. Integer types: when absent, chosen from the
    // value range (slope 1 and intercept 0 when every value is an integer the type holds), and the
    // values are rounded to the nearest step. Float types: when absent, no scaling (slope 1); a
    // given slope of 0 writes scl_slope = 0 ("no scaling" in NIfTI) with the values unscaled.
    std::optional<double> sclSlope;
    std::optional<double> sclInter;
    std::string description; // descrip (80 bytes); empty: the volume's series description
};

// Writes the volume's voxel grid as stored (i fastest) with its geometry as the RAS+ affine NIfTI
// uses (LPS with x and y negated). The file name decides the format's container: ".nii" or
// ".nii.gz" (gzip). Written to a temporary file in the same folder and renamed into place.
// Throws NeuroDxError naming the file on bad options, an unknown extension or a write failure.
// Files are in the machine's byte order (little-endian), as libnifti builds them; big-endian test
// files can be made with nibabel (header.as_byteswapped('>')).
void writeNifti(const std::filesystem::path& file, const Volume& volume, const NiftiWriteOptions& options = {});

// A 4D file: the frames (at least one) must share the first frame's grid size; the first frame's
// geometry is written (dim[4] = frames, pixdim[4] = 1 s).
void writeNifti(const std::filesystem::path& file, const std::vector<Volume>& frames, const NiftiWriteOptions& options = {});

// The RAS+ affine NIfTI stores for a grid (row-major 4x4): LPS direction * spacing with the x and y
// rows negated, and the origin likewise.
std::array<std::array<double, 4>, 4> rasAffine(const VolumeGeometry& geometry);

} // namespace neurodx
