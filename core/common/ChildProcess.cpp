#include "ChildProcess.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>

#if defined(_WIN32)
#include <exception>
#else
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace neurodx {

#if defined(_WIN32)

bool childProcessIsolationAvailable()
{
    return false;
}

// No fork on Windows: a helper executable would be needed to isolate. Until then the work runs here
// and a crash inside the library ends NeuroDx (README, "Keras files").
ChildProcessResult runInChildProcess(const std::function<std::string()>& work, std::chrono::seconds)
{
    ChildProcessResult result;
    try {
        result.output = work();
        result.ending = ChildProcessResult::Ending::Returned;
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
    // debugger, an application may save state) runs inside a library's corrupted heap.
    for (const int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
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

ChildProcessResult failed(const std::string& description)
{
    ChildProcessResult result;
    result.description = description;
    return result;
}

int waitForChild(pid_t child)
{
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

} // namespace

bool childProcessIsolationAvailable()
{
    return true;
}

ChildProcessResult runInChildProcess(const std::function<std::string()>& work, std::chrono::seconds timeLimit)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return failed(std::string("no pipe to a child process: ") + std::strerror(errno));
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    const pid_t child = ::fork();
    if (child < 0) {
        const int error = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return failed(std::string("no child process: ") + std::strerror(error));
    }
    if (child == 0) {
        ::close(fds[0]);
        runChild(fds[1], work);
    }
    ::close(fds[1]);

    ChildProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeLimit;
    bool timedOut = false;
    char buffer[1 << 16];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timedOut = true;
            break;
        }
        pollfd readable{fds[0], POLLIN, 0};
        const int ready = ::poll(&readable, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            continue; // the deadline check above ends the wait
        const ssize_t got = ::read(fds[0], buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; // end of file: the child closed its end by exiting (or dying)
        result.output.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(fds[0]);
    if (timedOut)
        ::kill(child, SIGKILL);
    const int status = waitForChild(child);

    if (timedOut) {
        result.ending = ChildProcessResult::Ending::TimedOut;
        result.description = "no answer within " + std::to_string(timeLimit.count()) + " s";
    } else if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        result.ending = ChildProcessResult::Ending::Crashed;
        result.description = "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        result.ending = ChildProcessResult::Ending::Returned;
        return result;
    } else {
        result.ending = ChildProcessResult::Ending::Failed;
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.description = code == 3 ? "the work threw an exception" : "exit code " + std::to_string(code);
    }
    result.output.clear();
    return result;
}

#endif

} // namespace neurodx
