#include "BlasLibrary.h"

#include <filesystem>

#if defined(__linux__)
#include <dlfcn.h>
#endif

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
#if defined(__linux__)
    // sgemm_ as the dynamic linker resolves it for LibTorch: the first library in load order that
    // defines it. Debian's libtorch also links libopenblas.so.0 directly, so "is OpenBLAS loaded" says
    // nothing; which file provides sgemm_ does.
    void* sgemm = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info info{};
    if (sgemm == nullptr || dladdr(sgemm, &info) == 0 || info.dli_fname == nullptr)
        return blas;
    std::error_code error;
    const std::filesystem::path resolved = std::filesystem::canonical(info.dli_fname, error);
    blas.path = error ? std::string(info.dli_fname) : resolved.string();
    const std::string folder = resolved.parent_path().filename().string();
    if (contains(blas.path, "openblas")) {
        using ConfigFunction = const char* (*)();
        void* handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
        const auto config = handle ? reinterpret_cast<ConfigFunction>(dlsym(handle, "openblas_get_config")) : nullptr;
        blas.name = config ? config() : "OpenBLAS";
        if (handle)
            dlclose(handle);
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
#endif
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
