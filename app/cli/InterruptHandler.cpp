#include "InterruptHandler.h"

#include <atomic>
#include <csignal>
#include <cstdlib>

namespace neurodx::cli {

namespace {

// A signal handler cannot carry state, so the one control being watched sits here; only the
// lock-free atomic cancel flag is touched from the handler.
std::atomic<const CancelToken*> watchedToken{nullptr};
std::atomic<int> interrupts{0};

extern "C" void onInterrupt(int)
{
    if (interrupts.fetch_add(1) > 0)
        std::_Exit(130);
    if (const CancelToken* token = watchedToken.load())
        const_cast<CancelToken*>(token)->cancel();
}

} // namespace

InterruptHandler::InterruptHandler(TrainingControl& control)
{
    watchedToken.store(&control.cancelToken());
    interrupts.store(0);
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptHandler::~InterruptHandler()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    watchedToken.store(nullptr);
}

} // namespace neurodx::cli
