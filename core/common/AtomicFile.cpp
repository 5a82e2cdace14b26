#include "AtomicFile.h"

#include "common/NeuroDxError.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

// Why a write failed, in words a user can act on: the system's reason (errno, which the failed
// write left) and how much room the folder has left.
std::string writeFailure(const fs::path& file, int error)
{
    std::string text = error != 0 ? std::strerror(error) : "the write did not complete";
    std::error_code ec;
    const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
    const fs::space_info space = fs::space(folder, ec);
    if (!ec) {
        char free[64];
        std::snprintf(free, sizeof free, "%.1f MB", static_cast<double>(space.available) / 1e6);
        text += " (" + std::string(free) + " free on " + folder.string() + ")";
    }
    return "cannot be written: " + text + "; the previous version, if any, is kept";
}

void removeQuietly(const fs::path& file)
{
    std::error_code ignored;
    fs::remove(file, ignored);
}

} // namespace

void writeFileAtomically(const fs::path& file, const std::string& content)
{
    writeFileAtomically(file, content.data(), content.size());
}

void writeFileAtomically(const fs::path& file, const char* data, std::size_t size)
{
    writeFileAtomically(file, [&](std::ostream& out) { out.write(data, static_cast<std::streamsize>(size)); });
}

void writeFileAtomically(const fs::path& file, const std::function<void(std::ostream&)>& write)
{
    fs::path temporary = file;
    temporary += ".part";
    {
        errno = 0;
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw NeuroDxError(ErrorKind::Io, file, errno == ENOSPC ? writeFailure(file, errno) : "cannot be written (is the folder writable?)");
        try {
            write(out);
        } catch (...) {
            out.close();
            removeQuietly(temporary);
            throw;
        }
        if (out)
            out.flush();
        if (!out) {
            // The first failing write set errno (ENOSPC, EFBIG...); a stream in failed state makes
            // no further system calls, so it still holds that reason.
            const int error = errno;
            out.close();
            removeQuietly(temporary);
            throw NeuroDxError(ErrorKind::Io, file, writeFailure(file, error));
        }
        out.close();
        if (!out) {
            const int error = errno;
            removeQuietly(temporary);
            throw NeuroDxError(ErrorKind::Io, file, writeFailure(file, error));
        }
    }
    std::error_code ec;
    fs::rename(temporary, file, ec);
    if (ec) {
        removeQuietly(temporary);
        throw NeuroDxError(ErrorKind::Io, file, "cannot be replaced: " + ec.message());
    }
}

} // namespace neurodx
