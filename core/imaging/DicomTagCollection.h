#pragma once

#include "imaging/DicomTags.h"

#include <vector>

class DcmFileFormat; // DCMTK's; this header is for the engine's DICOM readers only

namespace neurodx {

// The attributes of a file DCMTK has loaded (meta information, then the dataset, its text already
// in UTF-8), as readDicomTags() lists them: so that a reader that decodes the pixels too lists them
// from the same parse instead of reading the file a second time.
std::vector<DicomTagNode> collectDicomTags(DcmFileFormat& fileFormat);

} // namespace neurodx
