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

// glibc returns large activation buffers to the kernel after every step and faults them in again
// on the next, which costs more than the arithmetic on CPU training: keep freed memory in the
// process instead (no-op on other C libraries). Call once at start-up, before threads exist.
void configureMemoryAllocator();

} // namespace neurodx
