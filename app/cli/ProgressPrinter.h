#pragma once

#include "training/Trainer.h"

#include <chrono>
#include <string>

namespace neurodx::cli {

// Training progress on stderr: a bar with ETA and slices/s on a terminal (redrawn at most ten
// times a second), one plain line per epoch otherwise, nothing with --quiet.
class ProgressPrinter {
public:
    enum class Style { Bar, Lines, Quiet };
    explicit ProgressPrinter(Style style) : m_style(style) {}
    static Style styleFor(bool quiet);

    void stage(const std::string& text);
    void event(const TrainingEvent& event);

private:
    Style m_style;
    std::chrono::steady_clock::time_point m_lastDraw{};
    bool m_barOpen = false;
};

} // namespace neurodx::cli
