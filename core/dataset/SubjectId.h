#pragma once

#include <optional>
#include <string>

namespace neurodx {

// ADNI subject ids ("PTID") have the form SSS_S_NNNN: a three-digit site, "_S_", a four-digit
// roster number. They appear in ADNI download names (ADNI_002_S_0295_MR_..._I13722.dcm), in the
// download folders (ADNI/002_S_0295/MPRAGE/...), and in the public "ADNI extracted axial" slices
// (AD136_S_0426a120.png: class prefix, subject, 'a', slice number).
struct PathIdentity {
    std::optional<std::string> subject;     // "002_S_0295"
    std::optional<int> sliceIndex;          // 120 for AD136_S_0426a120.png
    std::optional<std::string> imageDataId; // "I13722": the key of ADNI's metadata CSV
};

// Looks in the file name first, then in the folders from the nearest upwards.
PathIdentity identityFromPath(const std::string& path);

std::optional<std::string> subjectIdFromPath(const std::string& path);

} // namespace neurodx
