#pragma once

namespace neurodx {

// Registers DCMTK's free decoders (JPEG baseline/extended/lossless, JPEG-LS, RLE) and encoders,
// and quiets DCMTK's logger to errors: some scanner files make it log hundreds of thousands of
// warnings. DCMTK keeps codecs in a process-wide list, so this runs once (thread-safe) and every
// function that touches DCMTK calls it first.
void ensureDcmtkReady();

} // namespace neurodx
