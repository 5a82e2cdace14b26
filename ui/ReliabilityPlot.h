#pragma once

#include <QWidget>

#include <optional>

class QCustomPlot;

namespace neurodx {
struct CalibrationMetrics;
}

namespace neurodx::ui {

// A reliability diagram (Guo et al. 2017): for each confidence bin, how often the top class was
// right (bars, with the bin's slice count above), against the diagonal of perfect calibration; the
// raw softmax's bins as a line when the probabilities shown are temperature-scaled.
class ReliabilityPlot final : public QWidget {
    Q_OBJECT
public:
    explicit ReliabilityPlot(QWidget* parent = nullptr);

    void setCalibration(const CalibrationMetrics& shown, const std::optional<CalibrationMetrics>& raw, const QString& caption);
    void clear();
    int barCount() const;          // bins holding at least one case
    bool showsRaw() const;
    QCustomPlot* plot() const { return m_plot; }

private:
    QCustomPlot* m_plot;
};

} // namespace neurodx::ui
