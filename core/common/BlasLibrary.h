#pragma once

#include <string>

namespace neurodx {

// The BLAS that answers LibTorch's matrix products in this process. Debian's LibTorch calls the
// generic libblas.so.3, which the alternatives system may point at the reference implementation: then
// dense layers run about 30x slower, silently. NeuroDx says so at start-up.
struct BlasLibrary {
    std::string name; // "OpenBLAS 0.3.21 ...", "reference BLAS", "BLIS", "Intel MKL", or "unknown"
    std::string path; // the shared library that provides sgemm_, empty when not found
    bool optimised = true; // false only when the reference implementation is identified
};

BlasLibrary loadedBlas();

// Empty when the BLAS is optimised (or unknown), else a message naming the library and the fix.
std::string blasWarning(const BlasLibrary& blas);

} // namespace neurodx
