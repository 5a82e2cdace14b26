#pragma once

#include <string>

namespace neurodx {

// Versions of the engine's libraries as compiled in, for the About box, `--version` and reports.
struct LibraryVersions {
    std::string libtorch;
    std::string opencv;
    std::string dcmtk;
};

LibraryVersions libraryVersions();

} // namespace neurodx
