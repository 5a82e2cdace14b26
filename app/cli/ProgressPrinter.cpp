#include "ProgressPrinter.h"

#include "CommandContext.h"

#include <cstdio>

namespace neurodx::cli {

ProgressPrinter::Style ProgressPrinter::styleFor(bool quiet)
{
    if (quiet)
        return Style::Quiet;
    return stderrIsTerminal() ? Style::Bar : Style::Lines;
}

void ProgressPrinter::stage(const std::string& text)
{
    if (m_style == Style::Quiet)
        return;
    if (m_barOpen)
        std::fprintf(stderr, "\n");
    m_barOpen = false;
    std::fprintf(stderr, "%s\n", text.c_str());
}

void ProgressPrinter::event(const TrainingEvent& e)
{
    if (m_style == Style::Quiet)
        return;
    switch (e.kind) {
    case TrainingEvent::Kind::Message:
        stage(e.message);
        return;
    case TrainingEvent::Kind::Epoch: {
        const EpochRecord& r = e.record;
        if (m_barOpen)
            std::fprintf(stderr, "\r\033[K");
        m_barOpen = false;
        std::fprintf(stderr, "epoch %d/%d  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f  %.1f s\n", r.epoch + 1, e.epochs, r.loss,
                     r.accuracy, r.valLoss, r.valAccuracy, r.seconds);
        return;
    }
    case TrainingEvent::Kind::Batch:
        break;
    }
    if (m_style != Style::Bar)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (e.batch != e.batchesPerEpoch && now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    constexpr int width = 28;
    const int filled = e.batchesPerEpoch > 0 ? e.batch * width / e.batchesPerEpoch : 0;
    // ETA: this epoch's pace for the rest of it and for the epochs still to come (validation aside).
    const double perBatch = e.batch > 0 ? e.epochSeconds / e.batch : 0.0;
    const double eta = perBatch * ((e.batchesPerEpoch - e.batch) + static_cast<double>(e.epochs - e.epoch - 1) * e.batchesPerEpoch);
    std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s%s] %d/%d  loss %.4f  acc %.4f  %.0f slices/s  ETA %d:%02d", e.epoch + 1, e.epochs,
                 std::string(static_cast<std::size_t>(filled), '=').c_str(), std::string(static_cast<std::size_t>(width - filled), ' ').c_str(),
                 e.batch, e.batchesPerEpoch, e.runningLoss, e.runningAccuracy, e.slicesPerSecond, static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    m_barOpen = true;
}

} // namespace neurodx::cli
