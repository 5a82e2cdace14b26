#include "BlasLibrary.h"

#include "Platform.h"

#include <filesystem>

namespace neurodx {

namespace {

bool contains(const std::string& text, const char* part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BlasLibrary loadedBlas()
{
    BlasLibrary blas;
    blas.name = "unknown";
    // sgemm_ as the dynamic linker resolves it for LibTorch: the first library in load order that
    // defines it. Debian's libtorch also links libopenblas.so.0 directly, so "is OpenBLAS loaded" says
    // nothing; which file provides sgemm_ does. (LibTorch's official builds for Windows and macOS
    // call MKL or Accelerate inside libtorch_cpu, which exports no sgemm_: the BLAS stays "unknown".)
    const std::filesystem::path library = platform::libraryDefining("sgemm_");
    if (library.empty())
        return blas;
    std::error_code error;
    const std::filesystem::path resolved = std::filesystem::canonical(library, error);
    blas.path = error ? library.string() : resolved.string();
    const std::string folder = resolved.parent_path().filename().string();
    if (contains(blas.path, "openblas")) {
        using ConfigFunction = const char* (*)();
        const auto config = reinterpret_cast<ConfigFunction>(platform::symbolBeside("sgemm_", "openblas_get_config"));
        blas.name = config ? config() : "OpenBLAS";
    } else if (contains(blas.path, "blis")) {
        blas.name = "BLIS";
    } else if (contains(blas.path, "mkl")) {
        blas.name = "Intel MKL";
    } else if (contains(blas.path, "atlas")) {
        blas.name = "ATLAS";
    } else if (folder == "blas" || contains(resolved.filename().string(), "refblas")) {
        // Debian installs Netlib's reference implementation as <libdir>/blas/libblas.so.3.
        blas.name = "reference BLAS";
        blas.optimised = false;
    }
    return blas;
}

std::string blasWarning(const BlasLibrary& blas)
{
    if (blas.optimised)
        return {};
    return "matrix products run on the " + blas.name + " (" + blas.path +
           "), which makes dense layers about 30x slower: install libopenblas0-pthread and select it with "
           "update-alternatives --config libblas.so.3-$(uname -m)-linux-gnu";
}

} // namespace neurodx
