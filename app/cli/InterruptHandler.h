#pragma once

#include "training/TrainingControl.h"

namespace neurodx::cli {

// While alive, Ctrl-C (SIGINT/SIGTERM) cancels `control` instead of killing the process, so
// training stops between batches and leaves valid checkpoints. A second Ctrl-C exits at once; in a
// distributed job a third does, because launchers (torchrun) pass the terminal's Ctrl-C on once
// more, and an exit there would break off the stop the ranks are agreeing on (and after the handler
// ends, further interrupts are ignored while the process finishes).
class InterruptHandler {
public:
    explicit InterruptHandler(TrainingControl& control, bool inDistributedJob = false);
    ~InterruptHandler();
    InterruptHandler(const InterruptHandler&) = delete;
    InterruptHandler& operator=(const InterruptHandler&) = delete;
};

} // namespace neurodx::cli
