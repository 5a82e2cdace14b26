#include "ChildProcess.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

// ASan before LLVM 18 does not lock its allocator around fork() (llvm-project pull request 75290):
// a child forked from a multithreaded process can deadlock in its first malloc (seen here: the
// Evaluation page's test waited 60 s for a Keras read that never started). The sanitizer build runs
// the work in this process instead, where the uninstrumented HDF5 gains nothing from a child anyway;
// the normal build's tests prove the isolation.
#if defined(__SANITIZE_ADDRESS__)
#define NEURODX_WORK_IN_THIS_PROCESS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NEURODX_WORK_IN_THIS_PROCESS 1
#endif
#endif
#if defined(_WIN32)
#define NEURODX_WORK_IN_THIS_PROCESS 1
#endif

#if defined(NEURODX_WORK_IN_THIS_PROCESS)
#include <exception>
#else
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace neurodx {

#if defined(NEURODX_WORK_IN_THIS_PROCESS)

bool childProcessIsolationAvailable()
{
    return false;
}

// No fork on Windows (a helper executable would be needed to isolate) and none under ASan (above):
// the work runs here, and a crash inside the library ends NeuroDx (README, "Keras models").
ChildProcessResult runInChildProcess(const std::function<std::string()>& work, std::chrono::seconds, std::size_t maxOutputBytes)
{
    ChildProcessResult result;
    try {
        result.output = work();
        if (result.output.size() <= maxOutputBytes) {
            result.ending = ChildProcessResult::Ending::Returned;
        } else {
            result.output.clear();
            result.description = "an answer larger than " + std::to_string(maxOutputBytes >> 20) + " MB";
        }
    } catch (const std::exception& error) {
        result.description = error.what();
    }
    return result;
}

#else

namespace {

bool writeAll(int fd, const std::string& bytes)
{
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return false;
        done += static_cast<std::size_t>(written);
    }
    return true;
}

[[noreturn]] void runChild(int fd, const std::function<std::string()>& work)
{
    // A crash ends the child at once: no crash handler inherited from the caller (Qt Test starts a
    // debugger, an application may save state) runs inside a library's corrupted heap. Ctrl-C and
    // SIGTERM end it too, instead of only setting the caller's cancel flag in the child's copy.
    for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGINT, SIGTERM})
        std::signal(signal, SIG_DFL);
    int code = 0;
    try {
        code = writeAll(fd, work()) ? 0 : 4;
    } catch (...) {
        code = 3;
    }
    // _exit: no atexit handlers, no stdio flush, no static destructors of the parent's state.
    ::_exit(code);
}

// The read end and the child, closed and reaped on every way out of runInChildProcess (an
// exception while collecting the answer included), so no descriptor or zombie is left behind.
class ChildGuard {
public:
    ChildGuard(int readEnd, pid_t child) : m_readEnd(readEnd), m_child(child) {}
    ChildGuard(const ChildGuard&) = delete;
    ChildGuard& operator=(const ChildGuard&) = delete;
    ~ChildGuard()
    {
        closeReadEnd();
        if (m_child > 0) {
            ::kill(m_child, SIGKILL);
            reap();
        }
    }
    void closeReadEnd()
    {
        if (m_readEnd >= 0)
            ::close(m_readEnd);
        m_readEnd = -1;
    }
    // The child's wait status, or -1 when waitpid failed.
    int reap()
    {
        int status = 0;
        pid_t done = -1;
        do {
            done = ::waitpid(m_child, &status, 0);
        } while (done < 0 && errno == EINTR);
        m_child = -1;
        return done < 0 ? -1 : status;
    }

private:
    int m_readEnd;
    pid_t m_child;
};

ChildProcessResult ended(ChildProcessResult::Ending ending, const std::string& description)
{
    ChildProcessResult result;
    result.ending = ending;
    result.description = description;
    return result;
}

bool makePipe(int fds[2])
{
#if defined(__linux__)
    return ::pipe2(fds, O_CLOEXEC) == 0; // close-on-exec from the start: no exec elsewhere inherits it
#else
    if (::pipe(fds) != 0)
        return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
#endif
}

std::mutex& oneChildAtATime()
{
    static std::mutex mutex;
    return mutex;
}

} // namespace

bool childProcessIsolationAvailable()
{
    return true;
}

ChildProcessResult runInChildProcess(const std::function<std::string()>& work, std::chrono::seconds timeLimit, std::size_t maxOutputBytes)
{
    using Ending = ChildProcessResult::Ending;
    const std::lock_guard<std::mutex> serialised(oneChildAtATime());
    int fds[2];
    if (!makePipe(fds))
        return ended(Ending::Failed, std::string("no pipe to a child process: ") + std::strerror(errno));
    const pid_t child = ::fork();
    if (child < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return ended(Ending::Failed, std::string("no child process: ") + std::strerror(error));
    }
    if (child == 0) {
        ::close(fds[0]);
        runChild(fds[1], work);
    }
    ::close(fds[1]);
    ChildGuard guard(fds[0], child);

    std::string output;
    const auto deadline = std::chrono::steady_clock::now() + timeLimit;
    char buffer[1 << 16];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return ended(Ending::TimedOut, "no answer within " + std::to_string(timeLimit.count()) + " s"); // the guard kills and reaps
        pollfd readable{fds[0], POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return ended(Ending::Failed, std::string("waiting for the child failed: ") + std::strerror(errno));
        if (ready == 0)
            continue; // the deadline check above ends the wait
        const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return ended(Ending::Failed, std::string("reading the child's answer failed: ") + std::strerror(errno));
        if (got == 0)
            break; // end of file: the child closed its end by exiting (or dying)
        if (output.size() + static_cast<std::size_t>(got) > maxOutputBytes)
            return ended(Ending::Failed, "an answer larger than " + std::to_string(maxOutputBytes >> 20) + " MB");
        output.append(buffer, static_cast<std::size_t>(got));
    }
    guard.closeReadEnd();
    const int status = guard.reap();

    if (status < 0)
        return ended(Ending::Failed, std::string("the child's end is unknown: ") + std::strerror(errno));
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const std::string name = "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
        // Killed from outside (the OOM killer, a shutdown, Ctrl-C) says nothing about the input.
        const bool external = signal == SIGKILL || signal == SIGTERM || signal == SIGINT;
        return ended(external ? Ending::Failed : Ending::Crashed, external ? "the reading process was stopped from outside (" + name + ")" : name);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        ChildProcessResult result;
        result.ending = Ending::Returned;
        result.output = std::move(output);
        return result;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return ended(Ending::Failed, code == 3 ? "the work threw an exception" : "exit code " + std::to_string(code));
}

#endif

} // namespace neurodx
