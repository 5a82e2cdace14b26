#include "NeuroDxError.h"

namespace neurodx {

const char* errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::InvalidArgument: return "invalid argument";
    case ErrorKind::UnreadableFile: return "unreadable file";
    case ErrorKind::UnsupportedFormat: return "unsupported format";
    case ErrorKind::CorruptFile: return "corrupt file";
    case ErrorKind::InvalidDataset: return "invalid dataset";
    case ErrorKind::Io: return "i/o error";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Communication: return "communication";
    }
    return "error";
}

static std::string withFile(const std::filesystem::path& file, const std::string& what)
{
    return file.empty() ? what : file.string() + ": " + what;
}

NeuroDxError::NeuroDxError(ErrorKind kind, std::filesystem::path file, const std::string& what)
    : std::runtime_error(withFile(file, what)), m_kind(kind), m_file(std::move(file))
{
}

NeuroDxError::NeuroDxError(ErrorKind kind, const std::string& what)
    : std::runtime_error(what), m_kind(kind)
{
}

} // namespace neurodx
