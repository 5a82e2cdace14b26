// libFuzzer's entry point for one target; CMake names the reader with NEURODX_FUZZ_READER.
#include "FuzzTargets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    neurodx::fuzz::NEURODX_FUZZ_READER(data, size);
    return 0;
}
