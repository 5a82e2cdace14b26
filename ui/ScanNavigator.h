#pragma once

#include "volume/VolumeSlicing.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace neurodx::ui {

// Where in a scan the reader is: the plane (axial, coronal, sagittal reformats) and a slider over
// its slices, with "slice 45 (0-159)" and the position in mm. It asks; the page decides and tells it
// back with setPosition(), so wheel, keys, strip and slider always agree.
class ScanNavigator final : public QWidget {
    Q_OBJECT
public:
    explicit ScanNavigator(QWidget* parent = nullptr);

    void setPosition(SlicePlane plane, int index, int count, const QString& positionText);
    SlicePlane plane() const;
    QSlider* slider() const { return m_slider; }
    QComboBox* planes() const { return m_plane; }
    QString text() const;

signals:
    void planeRequested(neurodx::SlicePlane plane);
    void indexRequested(int index);

private:
    QComboBox* m_plane;
    QSlider* m_slider;
    QLabel* m_label;
};

} // namespace neurodx::ui
