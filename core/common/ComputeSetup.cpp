#include "ComputeSetup.h"

#include "Platform.h"

#include <torch/cuda.h>
#include <torch/utils.h>

#include <fstream>
#include <string>
#include <thread>

#if defined(NEURODX_HAS_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif

#if defined(NEURODX_HAS_JEMALLOC)
// jemalloc reads its options from this symbol at the process's first allocation, before main().
// dirty/muzzy decay -1: freed pages stay with the process (by default jemalloc returns them after
// 10 s, and those of allocations >= 8 MiB at once, which made training half as fast).
// oversize_threshold 0: no separate arena for allocations >= 8 MiB, so activation buffers and the
// rest share freed pages (peak RSS training on 5,154 slices: 1,349 -> 1,258 MiB).
// The MALLOC_CONF environment variable still overrides these, for experiments.
const char* malloc_conf = "dirty_decay_ms:-1,muzzy_decay_ms:-1,oversize_threshold:0";
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

std::string configureMemoryAllocator()
{
#if !defined(NEURODX_HAS_JEMALLOC)
    platform::keepFreedMemory(); // jemalloc's equivalent is its malloc_conf above
#endif
    return memoryAllocatorDescription();
}

std::string memoryAllocatorDescription()
{
#if defined(NEURODX_HAS_JEMALLOC)
    const char* version = "";
    size_t size = sizeof version;
    mallctl("version", &version, &size, nullptr, 0);
    const std::string name = "jemalloc " + std::string(version).substr(0, std::string(version).find('-'));
    ssize_t decay = 0;
    size = sizeof decay;
    mallctl("arenas.dirty_decay_ms", &decay, &size, nullptr, 0);
    return name + (decay < 0 ? ", freed pages kept" : ", freed pages returned after " + std::to_string(decay) + " ms");
#else
    return platform::systemAllocatorName();
#endif
}

} // namespace neurodx
