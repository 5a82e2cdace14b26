#include "ProgressPrinter.h"

#include "CommandContext.h"

#include "training/TrainingEta.h"

#include <cmath>
#include <cstdio>

namespace neurodx::cli {

namespace {

constexpr int kBarWidth = 30; // Keras' Progbar

// Keras' bar: "[=========>....................]", "[==============================]" when done.
std::string bar(int done, int total)
{
    const int filled = total > 0 ? done * kBarWidth / total : 0;
    std::string text(static_cast<std::size_t>(filled), '=');
    if (filled < kBarWidth) {
        if (filled > 0)
            text.back() = '>';
        text += std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
    }
    return "[" + text + "]";
}

std::string figures(double loss, double accuracy)
{
    char text[96];
    std::snprintf(text, sizeof text, " - loss: %.4f - acc: %.4f", loss, accuracy);
    return text;
}

std::string validationFigures(const EpochRecord& r)
{
    if (std::isnan(r.valLoss))
        return {};
    char text[96];
    std::snprintf(text, sizeof text, " - val_loss: %.4f - val_acc: %.4f", r.valLoss, r.valAccuracy);
    return text;
}

std::string duration(double seconds)
{
    char text[32];
    if (seconds < 60)
        std::snprintf(text, sizeof text, "%.0fs", seconds);
    else
        std::snprintf(text, sizeof text, "%d:%02d", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
    return text;
}

} // namespace

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

void ProgressPrinter::epochHeader(int epoch, int epochs)
{
    if (epoch == m_headerEpoch)
        return;
    stage("Epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs));
    m_headerEpoch = epoch;
}

void ProgressPrinter::event(const TrainingEvent& e)
{
    if (m_style == Style::Quiet)
        return;
    switch (e.kind) {
    case TrainingEvent::Kind::Model:
        if (!m_summaryShown) // cross-validation trains the same model once per fold
            stage(modelSummaryText(e.summary));
        m_summaryShown = true;
        m_headerEpoch = -1; // a new training (the next fold) starts again at epoch 1
        return;
    case TrainingEvent::Kind::Message:
        stage(e.message);
        return;
    case TrainingEvent::Kind::Epoch:
        endEpoch(e);
        return;
    case TrainingEvent::Kind::Batch:
        epochHeader(e.epoch, e.epochs);
        m_batchesPerEpoch = e.batchesPerEpoch;
        m_trainingSeconds = e.epochSeconds;
        if (m_style == Style::Bar)
            drawBar(e);
        return;
    }
}

void ProgressPrinter::drawBar(const TrainingEvent& e)
{
    const auto now = std::chrono::steady_clock::now();
    if (e.batch != e.batchesPerEpoch && now - m_lastDraw < std::chrono::milliseconds(100))
        return;
    m_lastDraw = now;
    // ETA of this epoch's training (validation comes after), as Keras shows it.
    const double eta = trainingTimeLeft(e.epoch, e.epochs, e.batch, e.batchesPerEpoch, e.epochSeconds, 0).epochSeconds;
    const int digits = static_cast<int>(std::to_string(e.batchesPerEpoch).size());
    std::fprintf(stderr, "\r\033[K%*d/%d %s - ETA: %s%s - %.0f slices/s", digits, e.batch, e.batchesPerEpoch, bar(e.batch, e.batchesPerEpoch).c_str(),
                 duration(eta).c_str(), figures(e.runningLoss, e.runningAccuracy).c_str(), e.slicesPerSecond);
    m_barOpen = true;
}

void ProgressPrinter::endEpoch(const TrainingEvent& e)
{
    const EpochRecord& r = e.record;
    epochHeader(e.epoch, e.epochs);
    const int batches = m_batchesPerEpoch;
    const double msPerStep = batches > 0 ? 1000.0 * m_trainingSeconds / batches : 0.0;
    char timing[64];
    std::snprintf(timing, sizeof timing, "%s %.0fms/step", duration(r.seconds).c_str(), msPerStep);
    std::string line = std::to_string(batches) + "/" + std::to_string(batches) + " ";
    line += m_style == Style::Bar ? bar(batches, batches) + " - " + timing : std::string("- ") + timing;
    line += figures(r.loss, r.accuracy) + validationFigures(r);
    if (m_barOpen)
        std::fprintf(stderr, "\r\033[K");
    m_barOpen = false;
    std::fprintf(stderr, "%s\n", line.c_str());
}

} // namespace neurodx::cli
