#pragma once

#include "KerasHdf5.h"

#include <string>

// How a Keras file's content, or the error that reading it gave, travels from the child process that
// read it (readKerasHdf5) back to NeuroDx: a private byte format, versioned by its first bytes.
namespace neurodx {

std::string encodeKerasHdf5Content(const KerasHdf5Content& content);
std::string encodeKerasHdf5Error(const class NeuroDxError& error);

// The content again, or the child's NeuroDxError rethrown. Bytes that do not decode (a child that
// went wrong before it could crash) are a CorruptFile error naming `file`.
KerasHdf5Content decodeKerasHdf5Answer(const std::string& bytes, const std::filesystem::path& file);

} // namespace neurodx
