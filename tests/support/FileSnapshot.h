#pragma once

// What a folder's files look like on disk (size, modification time, inode), so a test can prove
// that a step rewrote nothing: a resumed search that runs a trial again writes new checkpoint files
// (a new inode: they are written to a temporary name and renamed) and a new trial.json.
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <string>
#include <tuple>

namespace neurodx::test {

struct FileState {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type modified;
    std::uint64_t inode = 0;
    bool operator==(const FileState& other) const
    {
        return std::tie(size, modified, inode) == std::tie(other.size, other.modified, other.inode);
    }
    bool operator!=(const FileState& other) const { return !(*this == other); }
};

// Every regular file under `folder` whose path (relative to it) starts with `prefix`.
inline std::map<std::string, FileState> snapshotFiles(const std::filesystem::path& folder, const std::string& prefix = {})
{
    std::map<std::string, FileState> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(folder)) {
        if (!entry.is_regular_file())
            continue;
        const std::string relative = std::filesystem::relative(entry.path(), folder).generic_string();
        if (relative.rfind(prefix, 0) != 0)
            continue;
        struct stat info {};
        ::stat(entry.path().c_str(), &info);
        files[relative] = {entry.file_size(), entry.last_write_time(), static_cast<std::uint64_t>(info.st_ino)};
    }
    return files;
}

// The files of `before` that are gone or changed in `after`, and the files `after` added.
inline std::string changedFiles(const std::map<std::string, FileState>& before, const std::map<std::string, FileState>& after)
{
    std::string changed;
    for (const auto& [name, state] : before) {
        const auto it = after.find(name);
        if (it == after.end() || it->second != state)
            changed += name + (it == after.end() ? " (removed) " : " (rewritten) ");
    }
    for (const auto& [name, state] : after)
        if (before.find(name) == before.end())
            changed += name + " (added) ";
    return changed;
}

} // namespace neurodx::test
