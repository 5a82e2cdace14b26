#include "InterruptHandler.h"

#include "common/Platform.h"

#include <atomic>

namespace neurodx::cli {

namespace {

// A signal handler cannot carry state, so the one control being watched sits here; only the
// lock-free atomic cancel flag is touched from the handler.
std::atomic<const CancelToken*> watchedToken{nullptr};
std::atomic<int> interrupts{0};
std::atomic<int> interruptsBeforeExit{2};

void ignoreInterrupt()
{
}

void onInterrupt()
{
    if (interrupts.fetch_add(1) + 1 >= interruptsBeforeExit.load())
        platform::exitNow(platform::kInterruptedExitCode);
    if (const CancelToken* token = watchedToken.load())
        const_cast<CancelToken*>(token)->cancel();
}

} // namespace

InterruptHandler::InterruptHandler(TrainingControl& control, bool inDistributedJob)
{
    watchedToken.store(&control.cancelToken());
    interrupts.store(0);
    interruptsBeforeExit.store(inDistributedJob ? 3 : 2);
    platform::watchInterrupts(onInterrupt);
}

InterruptHandler::~InterruptHandler()
{
    watchedToken.store(nullptr);
    // In a job the launcher's copy of the Ctrl-C may arrive while the process ends: it must not
    // turn a clean, agreed stop into a death by signal.
    if (interruptsBeforeExit.load() > 2)
        platform::watchInterrupts(ignoreInterrupt);
    else
        platform::stopWatchingInterrupts();
}

} // namespace neurodx::cli
