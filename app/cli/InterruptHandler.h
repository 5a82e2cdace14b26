#pragma once

#include "training/TrainingControl.h"

namespace neurodx::cli {

// While alive, Ctrl-C (SIGINT/SIGTERM) cancels `control` instead of killing the process, so
// training stops between batches and leaves valid checkpoints. A second Ctrl-C exits at once.
class InterruptHandler {
public:
    explicit InterruptHandler(TrainingControl& control);
    ~InterruptHandler();
    InterruptHandler(const InterruptHandler&) = delete;
    InterruptHandler& operator=(const InterruptHandler&) = delete;
};

} // namespace neurodx::cli
