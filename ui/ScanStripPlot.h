#pragma once

#include "inference/ScanPrediction.h"
#include "volume/VolumeSlicing.h"

#include <QImage>
#include <QWidget>

#include <vector>

class QCustomPlot;
class QCPItemStraightLine;
class QCPItemText;
class QMouseEvent;

namespace neurodx::ui {

// P(class) for every slice the scan's verdict averages: x is the slice index (only the predicted
// range), one point per slice and class in the class colours, y 0..1, the legend above the data, a
// line at the slice shown. Clicking (or dragging along) the strip asks for that slice.
class ScanStripPlot final : public QWidget {
    Q_OBJECT
public:
    explicit ScanStripPlot(QWidget* parent = nullptr);

    void setPrediction(const ScanPrediction& prediction);
    // No data: the message sits where the points would ("Predicting...", "Load a model...").
    void clear(const QString& message);
    void setCurrentSlice(SlicePlane plane, int index);

    bool hasPrediction() const { return !m_indices.empty(); }
    SlicePlane plane() const { return m_plane; }
    int pointCount(int classIndex) const;
    int classCount() const;
    bool isMarkerVisible() const;
    double markerPosition() const;
    // Where slice `index` lies on the plot, in the plot widget's coordinates (for tests and tools).
    QPoint pointOf(int index, double probability = 0.5) const;
    QCustomPlot* plot() const { return m_plot; }
    // The strip as an image for the report, `width` x `height` pixels.
    QImage image(int width, int height) const;

signals:
    void sliceClicked(int index); // a slice of plane()

private:
    void pick(QMouseEvent* event);

    QCustomPlot* m_plot;
    QCPItemStraightLine* m_marker;
    QCPItemText* m_message;
    std::vector<int> m_indices; // the predicted slices, ascending
    SlicePlane m_plane = SlicePlane::Axial;
};

} // namespace neurodx::ui
