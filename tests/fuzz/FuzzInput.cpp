#include "FuzzInput.h"

#include <unistd.h>

#include <fstream>

namespace neurodx::fuzz {

namespace {

struct ScratchFolder {
    std::filesystem::path path;
    ScratchFolder()
    {
        const std::filesystem::path base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
        path = base / ("neurodx-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path);
    }
    ~ScratchFolder()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

std::filesystem::path scratchFolder()
{
    static const ScratchFolder folder;
    return folder.path;
}

std::filesystem::path writeScratch(const std::string& name, const std::uint8_t* data, std::size_t size)
{
    const std::filesystem::path file = scratchFolder() / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return file;
}

} // namespace neurodx::fuzz
