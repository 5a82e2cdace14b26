#pragma once

#include "common/NeuroDxError.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace neurodx::fuzz {

// The readers take paths, so each input is written to a scratch folder of this process (on /dev/shm
// where it exists: thousands of inputs a second), removed when the process ends.
std::filesystem::path scratchFolder();

// Writes the input to `name` inside the scratch folder and returns its path.
std::filesystem::path writeScratch(const std::string& name, const std::uint8_t* data, std::size_t size);

// Runs one reader; NeuroDxError is the clean refusal every damaged file must end in. Any other
// exception escapes: libFuzzer reports it as a crash, since it would have reached the user as
// library text or an "internal error".
template <typename Read>
void expectReadOrRefusal(Read&& read)
{
    try {
        read();
    } catch (const NeuroDxError&) {
    }
}

} // namespace neurodx::fuzz
