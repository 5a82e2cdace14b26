#pragma once

#include "training/Trainer.h"

#include <chrono>
#include <string>

namespace neurodx::cli {

// Training progress on stderr as Keras' fit() prints it: the model summary, then per epoch an
// "Epoch 3/10" line and a progress bar redrawn in place on a terminal (at most ten times a second;
// verbose=1), or one line per epoch when stderr is a file or pipe (verbose=2), ending with the
// epoch's validation figures; messages (checkpoint written, early stop) after them. Nothing with
// --quiet. Epochs count from 1 here and in history.csv.
class ProgressPrinter {
public:
    enum class Style { Bar, Lines, Quiet };
    explicit ProgressPrinter(Style style) : m_style(style) {}
    static Style styleFor(bool quiet);

    void stage(const std::string& text);
    void event(const TrainingEvent& event);

private:
    void epochHeader(int epoch, int epochs);
    void drawBar(const TrainingEvent& batch);
    void endEpoch(const TrainingEvent& epoch);

    Style m_style;
    std::chrono::steady_clock::time_point m_lastDraw{};
    bool m_barOpen = false;
    int m_headerEpoch = -1;
    bool m_summaryShown = false;
    int m_batchesPerEpoch = 0;
    double m_trainingSeconds = 0; // of the current epoch, validation excluded
};

} // namespace neurodx::cli
