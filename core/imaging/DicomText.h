#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <string>

namespace neurodx {

// Converts a dataset's text values to UTF-8 from its SpecificCharacterSet (0008,0005), through
// DCMTK's iconv support, where the character set is known and the bytes fit it. Values that stay
// invalid are fixed by dicomText. For the DICOM readers only (DCMTK types).
void convertDicomTextToUtf8(DcmItem& dataset);

// A text value as valid UTF-8 (bytes that are not become U+FFFD), trimmed; empty when absent.
std::string dicomText(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0);

} // namespace neurodx
