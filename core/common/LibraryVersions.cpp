#include "LibraryVersions.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <opencv2/core/version.hpp>
#include <torch/version.h>

namespace neurodx {

LibraryVersions libraryVersions()
{
    return {TORCH_VERSION, CV_VERSION, OFFIS_DCMTK_VERSION_STRING};
}

} // namespace neurodx
