#include "InterruptHandler.h"

#include "common/Platform.h"

#include <atomic>

namespace neurodx::cli {

namespace {

// A signal handler cannot carry state, so the one control being watched sits here; only the
// lock-free atomic cancel flag is touched from the handler.
std::atomic<const CancelToken*> watchedToken{nullptr};
std::atomic<int> interrupts{0};

void onInterrupt()
{
    if (interrupts.fetch_add(1) > 0)
        platform::exitNow(platform::kInterruptedExitCode);
    if (const CancelToken* token = watchedToken.load())
        const_cast<CancelToken*>(token)->cancel();
}

} // namespace

InterruptHandler::InterruptHandler(TrainingControl& control)
{
    watchedToken.store(&control.cancelToken());
    interrupts.store(0);
    platform::watchInterrupts(onInterrupt);
}

InterruptHandler::~InterruptHandler()
{
    platform::stopWatchingInterrupts();
    watchedToken.store(nullptr);
}

} // namespace neurodx::cli
