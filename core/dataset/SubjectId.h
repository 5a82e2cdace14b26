#pragma once

#include <optional>
#include <string>

namespace neurodx {

// ADNI subject ids ("PTID") have the form SSS_S_NNNN: a three-digit site, "_S_", a four-digit
// roster number. They appear in ADNI download names (ADNI_002_S_0295_MR_..._I13722.dcm), in the
// download folders (ADNI/002_S_0295/MPRAGE/...), and in the public "ADNI extracted axial" slices
// (AD136_S_0426a120.png: class prefix, subject, 'a', slice number). NeuroDx's import keeps that
// ending after the visit and image id (CN002_S_0295_bl_I13722_a064.png; 'c' and 's' for coronal and
// sagittal slices).
struct PathIdentity {
    std::optional<std::string> subject;     // "002_S_0295"
    std::optional<int> sliceIndex;          // 120 for AD136_S_0426a120.png
    std::optional<std::string> imageDataId; // "I13722": the key of ADNI's metadata CSV
};

// Looks in the file name first, then in the folders from the nearest upwards.
PathIdentity identityFromPath(const std::string& path);

std::optional<std::string> subjectIdFromPath(const std::string& path);

// The subject a DICOM PatientID stands for: an ADNI PTID as it is; anything else may identify a
// person and becomes a keyed pseudonym (PatientPseudonym.h) so that grouping still works while the
// id itself never reaches a report, a file name, a split file or a log.
std::string subjectFromPatientId(const std::string& patientId);

} // namespace neurodx
