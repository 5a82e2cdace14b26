#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {

// Patient coordinates as DICOM defines them (PS3.3 C.7.6.2.1.1), in millimetres: x grows towards
// the patient's Left, y towards Posterior, z towards Superior ("LPS"). NIfTI's RAS+ world is the
// same space with x and y negated.
using Vec3 = std::array<double, 3>;

double dot(const Vec3& a, const Vec3& b);
Vec3 cross(const Vec3& a, const Vec3& b);
double norm(const Vec3& a);

// Where a voxel grid sits in the patient: voxel (i, j, k)'s centre is
// origin + i * spacing[0] * direction[0] + j * spacing[1] * direction[1] + k * spacing[2] * direction[2].
// i varies fastest in memory. direction[a] is the unit LPS vector of axis a (DICOM: the first row of
// ImageOrientationPatient is direction[0], the column direction direction[1], the slice normal
// direction[2]).
struct VolumeGeometry {
    std::array<int, 3> size{0, 0, 0};
    Vec3 spacing{1, 1, 1};
    Vec3 origin{0, 0, 0};
    std::array<Vec3, 3> direction{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};

    std::size_t voxelCount() const;
    Vec3 toPatient(double i, double j, double k) const;
    // The continuous voxel index of a patient point (the inverse of toPatient).
    Vec3 toIndex(const Vec3& lps) const;
    // The largest angle in degrees between a voxel axis and the patient axis nearest to it.
    double obliquityDegrees() const;
    // Three letters naming the patient direction each voxel axis points to most ("LPS", "RAS",
    // "PSR" for a sagittal DICOM series...), as nibabel's aff2axcodes in LPS letters.
    std::string axisCodes() const;
};

// What a volume was read from and what happened on the way: never a patient identifier.
struct VolumeSource {
    std::string kind;                             // "DICOM series", "DICOM multi-frame", "NIfTI-1", "NIfTI-2"
    std::filesystem::path path;                   // the NIfTI file, or the series' folder
    std::vector<std::filesystem::path> files;     // DICOM: the files in slice order (a multi-frame file once)
    std::string seriesInstanceUid;                // DICOM only
    std::string seriesDescription;                // DICOM SeriesDescription, NIfTI descrip
    std::string modality;                         // "MR" (NIfTI: empty)
    std::string storedAxes;                       // axisCodes() of the grid as stored, before reorientation
    // DICOM: the file of each acquired slice in stored order (empty where a missing slice was filled).
    std::vector<std::filesystem::path> sliceFiles;
    // The grid axis the acquired slices are stacked along (2 as read; reorientation moves it, and
    // -1 after resampling, when no file holds a slice), and whether reorientation reversed it.
    int sliceAxis = 2;
    bool sliceAxisReversed = false;
    std::vector<std::string> warnings;            // gaps filled, 4D reduced, oblique resampled...
};

// A 3D scan: modality values as float (DICOM stored value * slope + intercept, NIfTI value *
// scl_slope + scl_inter), never windowed or quantised.
struct Volume {
    VolumeGeometry geometry;
    std::vector<float> voxels; // size[0] * size[1] * size[2], i fastest
    VolumeSource source;

    int nx() const { return geometry.size[0]; }
    int ny() const { return geometry.size[1]; }
    int nz() const { return geometry.size[2]; }
    std::size_t offset(int i, int j, int k) const
    {
        return (static_cast<std::size_t>(k) * static_cast<std::size_t>(ny()) + static_cast<std::size_t>(j)) * static_cast<std::size_t>(nx()) +
               static_cast<std::size_t>(i);
    }
    float at(int i, int j, int k) const { return voxels[offset(i, j, k)]; }
    float& at(int i, int j, int k) { return voxels[offset(i, j, k)]; }
};

} // namespace neurodx
