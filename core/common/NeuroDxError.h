#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace neurodx {

// What went wrong, coarse enough for a caller to choose an exit code or a dialog.
enum class ErrorKind {
    InvalidArgument,   // a setting or option the caller passed is not usable
    UnreadableFile,    // missing, unreadable, empty or truncated
    UnsupportedFormat, // readable but not something NeuroDx decodes (with the reason)
    CorruptFile,       // claims a format but its content contradicts it
    InvalidDataset,    // a dataset or split cannot serve its purpose (empty class, no images)
    Io,                // writing failed
    Cancelled,         // the caller's cancel token was set; not a failure to report loudly
    Communication,     // a distributed job's ranks lost each other (a rank died, stopped or timed out)
};

const char* errorKindName(ErrorKind kind);

// The engine's one exception type: thrown inside the engine, caught at the boundary (CLI main,
// UI worker), shown in words together with the file it concerns.
class NeuroDxError : public std::runtime_error {
public:
    NeuroDxError(ErrorKind kind, std::filesystem::path file, const std::string& what);
    NeuroDxError(ErrorKind kind, const std::string& what);

    ErrorKind kind() const { return m_kind; }
    const std::filesystem::path& file() const { return m_file; }

private:
    ErrorKind m_kind;
    std::filesystem::path m_file;
};

} // namespace neurodx
