#pragma once

#include "imaging/Slice.h"
#include "volume/Volume.h"

#include <optional>
#include <string>
#include <utility>

namespace neurodx {

enum class SlicePlane { Axial, Coronal, Sagittal };
const char* slicePlaneName(SlicePlane plane); // "axial", "coronal", "sagittal"
char slicePlaneLetter(SlicePlane plane);      // 'a', 'c', 's' (the Kaggle export's "a120")
// Throws NeuroDxError(InvalidArgument) for other names.
SlicePlane slicePlaneFromName(const std::string& name);

// Slices of a canonical (LPS) volume, see toCanonical(). Conventions of radiology viewers:
// - axial slice k (inferior to superior): rows anterior to posterior, columns patient right to left;
// - coronal slice j (anterior to posterior): rows superior to inferior, columns right to left;
// - sagittal slice i (right to left): rows superior to inferior, columns anterior to posterior.
int sliceCount(const Volume& canonical, SlicePlane plane);

// The patient coordinate (LPS, mm) of slice `index` along the plane's normal: z for axial, y for
// coronal, x for sagittal.
double slicePositionMm(const Volume& canonical, SlicePlane plane, int index);
// "S 12.5 mm", "A 3.0 mm", "R 20.0 mm": the position as radiology viewers label it.
std::string slicePositionText(const Volume& canonical, SlicePlane plane, int index);

// The acquired file that holds exactly this slice (a DICOM series sliced in its acquisition plane
// without resampling), or an empty path.
std::filesystem::path sliceSourceFile(const Volume& canonical, SlicePlane plane, int index);

// The smallest and largest voxel value.
std::pair<float, float> valueRange(const Volume& volume);

// One slice as an ordinary Slice (modality values as float, no window), so that training,
// evaluation and prediction do not care where it came from. Pixels are made square: when the two
// in-plane spacings differ, the coarser axis is resampled linearly to the finer spacing, so anatomy
// keeps its true proportions whatever the acquisition. `range`: the volume's valueRange() when the
// caller has it (otherwise computed). Throws NeuroDxError when the volume is not canonical or the
// index is out of range.
Slice volumeSlice(const Volume& canonical, SlicePlane plane, int index, std::optional<std::pair<float, float>> range = std::nullopt);

} // namespace neurodx
