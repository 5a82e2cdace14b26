#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

namespace neurodx {

// LibTorch 1.13 trusts the sizes a model file claims: a zip entry, a pickled string or a memo slot
// that claims gigabytes makes it allocate them before reading a byte (fuzz_model_file). This walks
// the zip directory of a PyTorch archive and every stored pickle in it, and checks each claim
// against the bytes that are there: entries inside the file and no larger than deflate can expand
// (TorchScript deflates its code), pickled lengths within their pickle, memo slots no more than the
// pickle could fill. Throws NeuroDxError(CorruptFile) naming the file; bytes that are no zip at all
// are left to LibTorch.
void checkTorchArchive(const std::filesystem::path& file, const std::vector<char>& bytes);

// The pickle check alone, on one pickle's bytes ("data.pkl"). Throws NeuroDxError naming `file`.
void checkPickle(const std::filesystem::path& file, const char* data, std::size_t size);

} // namespace neurodx
