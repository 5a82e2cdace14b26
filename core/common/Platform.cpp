#include "Platform.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <vector>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <io.h>
#include <process.h>
#include <psapi.h> // K32EnumProcessModules: in kernel32 since Windows 7, no psapi.lib needed
#else
#include <csignal>
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>
#endif

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#endif
#if defined(__APPLE__)
#include <pthread.h>
#include <sys/qos.h>
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#include <malloc.h>
#endif

namespace neurodx::platform {

namespace fs = std::filesystem;

namespace {

// Read from the handler: a plain function pointer in a lock-free atomic is all a handler may touch.
std::atomic<InterruptFunction> interruptFunction{nullptr};

#if defined(_WIN32)
BOOL WINAPI onConsoleEvent(DWORD event)
{
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && event != CTRL_CLOSE_EVENT)
        return FALSE;
    if (const InterruptFunction function = interruptFunction.load())
        function();
    return TRUE;
}
#else
extern "C" void onSignal(int)
{
    if (const InterruptFunction function = interruptFunction.load())
        function();
}

void setSignalAction(void (*action)(int))
{
    struct sigaction request{};
    request.sa_handler = action;
    sigemptyset(&request.sa_mask);
    request.sa_flags = SA_RESTART; // blocking reads and waits go on after the handler; the flag ends the work
    for (const int signal : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(signal, &request, nullptr);
}
#endif

// A name no other writer uses at the same time: process id and a clock reading.
fs::path temporaryBeside(const fs::path& file)
{
    static std::atomic<unsigned> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    fs::path temporary = file;
    temporary += ".part-" + std::to_string(processId()) + "-" + std::to_string(now) + "-" + std::to_string(counter++);
    return temporary;
}

} // namespace

void watchInterrupts(InterruptFunction onInterrupt)
{
    interruptFunction.store(onInterrupt);
#if defined(_WIN32)
    ::SetConsoleCtrlHandler(onConsoleEvent, TRUE);
#else
    setSignalAction(onSignal);
#endif
}

void stopWatchingInterrupts()
{
#if defined(_WIN32)
    ::SetConsoleCtrlHandler(onConsoleEvent, FALSE);
#else
    setSignalAction(SIG_DFL);
#endif
    interruptFunction.store(nullptr);
}

void exitNow(int code)
{
    std::_Exit(code);
}

long processId()
{
#if defined(_WIN32)
    return static_cast<long>(::GetCurrentProcessId());
#else
    return static_cast<long>(::getpid());
#endif
}

bool lowerCurrentThreadPriority()
{
#if defined(_WIN32)
    return ::SetThreadPriority(::GetCurrentThread(), THREAD_PRIORITY_LOWEST) != 0;
#elif defined(__APPLE__)
    return ::pthread_set_qos_class_self_np(QOS_CLASS_BACKGROUND, 0) == 0;
#elif defined(__linux__)
    // Linux applies setpriority() to one thread when given its thread id (man 2 setpriority, BUGS).
    return ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19) == 0;
#else
    return false;
#endif
}

bool isTerminal(std::FILE* stream)
{
#if defined(_WIN32)
    return ::_isatty(::_fileno(stream)) != 0;
#else
    return ::isatty(::fileno(stream)) != 0;
#endif
}

fs::path environmentPath(const char* name)
{
#if defined(_WIN32)
    // The narrow getenv answers in the ANSI code page and loses every character outside it.
    const std::wstring wideName(name, name + std::char_traits<char>::length(name));
    const wchar_t* value = ::_wgetenv(wideName.c_str());
    return value && *value ? fs::path(value) : fs::path();
#else
    const char* value = std::getenv(name);
    return value && *value ? fs::path(value) : fs::path();
#endif
}

int writeNewPrivateFile(const fs::path& file, const std::string& bytes)
{
    const fs::path temporary = temporaryBeside(file);
#if defined(_WIN32)
    const HANDLE handle = ::CreateFileW(temporary.c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (handle == INVALID_HANDLE_VALUE)
        return ::GetLastError() == ERROR_FILE_EXISTS ? EEXIST : EACCES;
    DWORD written = 0;
    const bool complete = ::WriteFile(handle, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) &&
                          written == bytes.size() && ::FlushFileBuffers(handle);
    ::CloseHandle(handle);
    int error = complete ? 0 : EIO;
    // Without MOVEFILE_REPLACE_EXISTING the move fails when the file exists: never replaced.
    if (!error && !::MoveFileExW(temporary.c_str(), file.c_str(), MOVEFILE_WRITE_THROUGH)) {
        const DWORD reason = ::GetLastError();
        error = reason == ERROR_ALREADY_EXISTS || reason == ERROR_FILE_EXISTS ? EEXIST : EIO;
    }
    ::DeleteFileW(temporary.c_str()); // fails harmlessly once moved
    return error;
#else
    // 0600 from the first byte (no window in which another user could open it), O_NOFOLLOW so a
    // planted link cannot redirect it; link() puts it in place and never replaces an existing file.
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno;
    const bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
    int error = written ? 0 : errno;
    if (::close(fd) != 0 && !error)
        error = errno;
    if (!error && ::link(temporary.c_str(), file.c_str()) != 0)
        error = errno;
    ::unlink(temporary.c_str());
    return error;
#endif
}

#if defined(_WIN32)
namespace {

// The first loaded module that exports `symbol`, in load order (what GetProcAddress on each gives;
// Windows has no global symbol namespace).
HMODULE moduleExporting(const char* symbol)
{
    std::vector<HMODULE> modules(256);
    DWORD needed = 0;
    for (;;) {
        if (!::K32EnumProcessModules(::GetCurrentProcess(), modules.data(), static_cast<DWORD>(modules.size() * sizeof(HMODULE)), &needed))
            return nullptr;
        if (needed <= modules.size() * sizeof(HMODULE))
            break;
        modules.resize(needed / sizeof(HMODULE));
    }
    modules.resize(needed / sizeof(HMODULE));
    for (HMODULE module : modules) {
        if (::GetProcAddress(module, symbol) != nullptr)
            return module;
    }
    return nullptr;
}

} // namespace

fs::path libraryDefining(const char* symbol)
{
    const HMODULE module = moduleExporting(symbol);
    if (module == nullptr)
        return {};
    std::wstring name(32768, L'\0');
    const DWORD length = ::GetModuleFileNameW(module, name.data(), static_cast<DWORD>(name.size()));
    name.resize(length);
    return fs::path(name);
}

void* symbolBeside(const char* symbol, const char* sibling)
{
    const HMODULE module = moduleExporting(symbol);
    return module ? reinterpret_cast<void*>(::GetProcAddress(module, sibling)) : nullptr;
}
#else
fs::path libraryDefining(const char* symbol)
{
    // As the dynamic linker resolves it: the first object in load order that defines it.
    void* address = ::dlsym(RTLD_DEFAULT, symbol);
    Dl_info info{};
    if (address == nullptr || ::dladdr(address, &info) == 0 || info.dli_fname == nullptr)
        return {};
    return fs::path(info.dli_fname);
}

void* symbolBeside(const char* symbol, const char* sibling)
{
    const fs::path library = libraryDefining(symbol);
    if (library.empty())
        return nullptr;
    // RTLD_NOLOAD: a handle to the already loaded library, never a second copy.
    void* handle = ::dlopen(library.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr)
        return nullptr;
    void* address = ::dlsym(handle, sibling);
    ::dlclose(handle); // only drops the reference NOLOAD added; the library stays loaded
    return address;
}
#endif

void keepFreedMemory()
{
#if defined(__GLIBC__)
    // mmap's threshold cannot exceed 32 MiB, below one batch's activations, so mmap is switched off;
    // freed memory stays in the heap (no trimming) and is reused by the next step.
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
    ::mallopt(M_TOP_PAD, 64 << 20);
#endif
}

std::string systemAllocatorName()
{
#if defined(__GLIBC__)
    return "glibc malloc " + std::string(::gnu_get_libc_version());
#elif defined(_WIN32)
    return "the Windows heap";
#elif defined(__APPLE__)
    return "macOS malloc";
#else
    return "the system allocator";
#endif
}

} // namespace neurodx::platform
