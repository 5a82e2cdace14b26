#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace neurodx {

// Parsing untrusted files in a child process, so that a crash inside a third-party library ends the
// child and not NeuroDx (Debian's libhdf5 1.10.8 overflows a heap buffer on a damaged object header:
// tests/data/fuzz-library-bugs). The child is a fork of this process: it hands its answer back as
// bytes through a pipe and shares nothing writable with the caller.
struct ChildProcessResult {
    enum class Ending {
        Returned, // the work returned; `output` holds its bytes
        Crashed,  // ended by a fault signal (segmentation fault, bus error, abort: a sanitizer's report too)
        TimedOut, // no end within the time limit; the child was killed
        Failed,   // the work threw, exited with an error, answered too much, was killed from outside
                  // (SIGKILL by the OOM killer, SIGTERM, SIGINT), or no child could be started
    };
    Ending ending = Ending::Failed;
    std::string output;
    std::string description; // what happened, in words: "signal 11 (Segmentation fault)"
};

// True where runInChildProcess isolates (POSIX); elsewhere (Windows, and builds with AddressSanitizer,
// whose allocator is not fork-safe before LLVM 18) the work runs in this process.
bool childProcessIsolationAvailable();

// Runs `work` in a child and returns how it ended. The work must only compute and return: no threads
// of its own, no windows, no writes to files the caller uses. Exceptions escaping it end as Failed;
// an answer longer than `maxOutputBytes` ends the child (Failed), so a hostile input cannot make the
// caller allocate without bound. Calls are serialised: one child at a time, so no child inherits
// another call's pipe and holds it open.
ChildProcessResult runInChildProcess(const std::function<std::string()>& work, std::chrono::seconds timeLimit,
                                     std::size_t maxOutputBytes = std::size_t{1} << 30);

} // namespace neurodx
