#include "ImageFiles.h"

#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"
#include "dataset/ImageFormat.h"

#include <algorithm>

namespace fs = std::filesystem;

namespace neurodx {

std::vector<fs::path> imageFilesIn(const fs::path& folder)
{
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (it->is_directory(ec)) {
            if (junkFolderReason(name))
                it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec) || junkFileReason(name) || it->file_size(ec) == 0)
            continue;
        try {
            if (probeImageFormat(it->path()).format != ImageFormat::Unknown)
                found.push_back(it->path());
        } catch (const NeuroDxError&) {
            found.push_back(it->path()); // unreadable: its error shows in the result
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace neurodx
