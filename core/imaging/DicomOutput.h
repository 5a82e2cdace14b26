#pragma once

#include "imaging/DicomWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cstdint>
#include <filesystem>
#include <string>

// Internal to core: the DCMTK plumbing NeuroDx's DICOM writers share (single images in
// DicomWriter.cpp, series and multi-frame volumes in volume/DicomSeriesWriter.cpp).
namespace neurodx::dicom {

E_TransferSyntax transferSyntaxOf(DicomEncoding encoding);

// A UID under the 2.25 root derived from a seed and a label, so the same input writes the same bytes.
std::string uidFrom(std::uint64_t seed, std::uint64_t label);

// Sets a string attribute; throws NeuroDxError(Io) naming the attribute when DCMTK refuses it.
void put(DcmItem& item, const DcmTagKey& tag, const std::string& value);

// A decimal string (DS) of at most 16 characters, as PS3.5 6.2 allows.
std::string decimal(double value);

// Compresses the dataset when the encoding asks for it, writes "<file>.part" and renames it over
// `file`. Throws NeuroDxError naming the file.
void saveAtomically(DcmFileFormat& fileFormat, const std::filesystem::path& file, DicomEncoding encoding,
                    bool withMetaHeader = true);

} // namespace neurodx::dicom
