#include "AtomicFile.h"

#include "common/NeuroDxError.h"

#include <fstream>

namespace neurodx {

void writeFileAtomically(const std::filesystem::path& file, const std::string& content)
{
    writeFileAtomically(file, content.data(), content.size());
}

void writeFileAtomically(const std::filesystem::path& file, const char* data, std::size_t size)
{
    writeFileAtomically(file, [&](std::ostream& out) { out.write(data, static_cast<std::streamsize>(size)); });
}

void writeFileAtomically(const std::filesystem::path& file, const std::function<void(std::ostream&)>& write)
{
    std::filesystem::path temporary = file;
    temporary += ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw NeuroDxError(ErrorKind::Io, file, "cannot be written (is the folder writable?)");
        try {
            write(out);
        } catch (...) {
            out.close();
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw;
        }
        out.flush();
        if (!out) {
            out.close();
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw NeuroDxError(ErrorKind::Io, file, "writing failed (disk full?)");
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec) {
        std::filesystem::remove(temporary, ec);
        throw NeuroDxError(ErrorKind::Io, file, "cannot be replaced: " + ec.message());
    }
}

} // namespace neurodx
