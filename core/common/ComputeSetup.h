#pragma once

#include <string>

namespace neurodx {

// The one place that decides where and how tensors are computed: the device (CPU here; CUDA when
// this LibTorch build has it), the intra-op thread count, and the allocator's behaviour.
// Everything else asks computeDevice() instead of naming a device.

// "cpu" or "cuda"; `preferGpu` picks CUDA when this build and machine have it.
std::string computeDeviceName(bool preferGpu = true);

// LibTorch can start with one thread: set intra-op threads explicitly. 0 = all cores.
// Returns the count in effect.
int setComputeThreads(int threads);

// Whether this CPU computes bfloat16 natively (AVX512-BF16), which mixed-precision training needs
// to be faster rather than slower.
bool cpuSupportsBf16();

// Allocators return large activation buffers to the kernel after every step and fault them in again
// on the next, which costs more than the arithmetic in CPU training: freed memory stays in the
// process instead. With jemalloc (linked where the build finds it) its options are compiled in and
// apply from the first allocation; its size classes keep the peak below glibc's (1.26 GB against
// 1.54-1.68 GB training on 5,154 slices). Without it, this gives glibc malloc mmap off and no
// trimming: call it at start-up, before threads exist. Returns memoryAllocatorDescription().
std::string configureMemoryAllocator();

// Which allocator serves the process and how it treats freed memory, for --version and the About box.
std::string memoryAllocatorDescription();

} // namespace neurodx
