#include "ComputeSetup.h"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <fstream>
#include <string>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace neurodx {

std::string computeDeviceName(bool preferGpu)
{
    return preferGpu && torch::cuda::is_available() ? "cuda" : "cpu";
}

int setComputeThreads(int threads)
{
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

bool cpuSupportsBf16()
{
#if defined(__linux__)
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("flags", 0) == 0)
            return line.find(" avx512_bf16") != std::string::npos;
    }
#endif
    return false;
}

void configureMemoryAllocator()
{
#if defined(__GLIBC__)
    // mmap's threshold cannot exceed 32 MiB, below one batch's activations, so mmap is switched off;
    // freed memory stays in the heap (no trimming) and is reused by the next step.
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 64 << 20);
#endif
}

} // namespace neurodx
