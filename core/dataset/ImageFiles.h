#pragma once

#include <filesystem>
#include <vector>

namespace neurodx {

// The image files (recognised by content, not by name) anywhere below `folder`, sorted, with junk
// (hidden files, AppleDouble, __MACOSX, empty files...) passed over. Batch prediction's input.
std::vector<std::filesystem::path> imageFilesIn(const std::filesystem::path& folder);

} // namespace neurodx
