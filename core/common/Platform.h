#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace neurodx::platform {

// The one place where NeuroDx calls the operating system beyond the C++ standard library: each
// function has a Linux (glibc), a macOS and a Windows branch in Platform.cpp, so the rest of the code
// stays portable. Paths are std::filesystem::path (wide on Windows: non-ASCII names and drive letters
// survive), never std::string. Not here: the child process that isolates libhdf5
// (common/ChildProcess, fork on POSIX, in-process on Windows), which is a unit of its own.

// --- termination requests -------------------------------------------------------------------------

// A function safe to run inside a signal handler (atomics and std::_Exit only; no locks, no I/O).
using InterruptFunction = void (*)();

// Calls `onInterrupt` on Ctrl-C and on a polite termination request: SIGINT and SIGTERM (and SIGHUP,
// a closed terminal) on Linux and macOS; Ctrl-C, Ctrl-Break and a closing console window on Windows,
// where the call arrives on a thread of its own. Replaces an earlier function.
void watchInterrupts(InterruptFunction onInterrupt);

// The system's default again: the next Ctrl-C ends the process.
void stopWatchingInterrupts();

// Ends the process at once with `code`: no atexit handlers, no static destructors (safe in handlers).
[[noreturn]] void exitNow(int code);

// The exit code a shell reports for a process ended by an interrupt (128 + SIGINT = 130).
inline constexpr int kInterruptedExitCode = 130;

// --- processes and threads ----------------------------------------------------------------------

// This process's id (for unique temporary names).
long processId();

// Lowest scheduling priority for the calling thread only (nice 19 on Linux, background QoS on
// macOS, THREAD_PRIORITY_LOWEST on Windows). False when the system refused.
bool lowerCurrentThreadPriority();

// Whether the stream is a terminal (progress bars redraw in place only there).
bool isTerminal(std::FILE* stream);

// --- environment ----------------------------------------------------------------------------------

// The environment variable as a path (read as UTF-16 on Windows); empty when unset or empty.
std::filesystem::path environmentPath(const char* name);

// --- files ----------------------------------------------------------------------------------------

// Writes `bytes` as a new file only the current user can read (0600 on POSIX; on Windows the file
// inherits its folder's ACL, which in the user's profile is private) and never replaces an existing
// one: 0 on success, else an errno value (EEXIST when the file exists). Written in full and flushed
// to disk before it appears under its name, so a crash leaves no half file.
int writeNewPrivateFile(const std::filesystem::path& file, const std::string& bytes);

// --- shared libraries -----------------------------------------------------------------------------

// The shared library (or executable) that defines the exported function `symbol` as the dynamic
// linker resolves it for this process; empty when no loaded module exports it.
std::filesystem::path libraryDefining(const char* symbol);

// The address of `sibling` in the library that defines `symbol` (e.g. openblas_get_config beside
// sgemm_), or nullptr.
void* symbolBeside(const char* symbol, const char* sibling);

// --- memory ---------------------------------------------------------------------------------------

// The C library's allocator keeps freed memory in the process instead of returning it to the kernel
// after every training step (glibc: mmap off, no trimming). Without effect where the C library has
// no such switches (macOS, Windows, musl). Call before threads exist.
void keepFreedMemory();

// The C library's allocator, for --version: "glibc malloc 2.36", "the system allocator".
std::string systemAllocatorName();

} // namespace neurodx::platform
