#include "ScanNavigator.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

namespace neurodx::ui {

ScanNavigator::ScanNavigator(QWidget* parent) : QWidget(parent), m_plane(new QComboBox), m_slider(new QSlider(Qt::Horizontal)), m_label(new QLabel)
{
    setObjectName(QStringLiteral("scanNavigator"));
    m_plane->setObjectName(QStringLiteral("scanPlane"));
    m_plane->addItem(tr("Axial"), int(SlicePlane::Axial));
    m_plane->addItem(tr("Coronal"), int(SlicePlane::Coronal));
    m_plane->addItem(tr("Sagittal"), int(SlicePlane::Sagittal));
    m_plane->setToolTip(tr("The plane to slice the scan in: axial (as acquired or reformatted), coronal or sagittal reformats"));
    m_slider->setObjectName(QStringLiteral("scanSlider"));
    m_slider->setToolTip(tr("Slice (also: wheel, arrow keys, Page Up/Down over the image)"));
    m_slider->setPageStep(10);
    m_label->setObjectName(QStringLiteral("scanPosition"));
    m_label->setMinimumWidth(m_label->fontMetrics().horizontalAdvance(QStringLiteral("slice 000 (0-000)   S -000.0 mm")));
    connect(m_plane, &QComboBox::activated, this, [this] { emit planeRequested(plane()); });
    connect(m_slider, &QSlider::valueChanged, this, &ScanNavigator::indexRequested);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 2, 0, 2);
    layout->addWidget(m_plane);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
}

void ScanNavigator::setPosition(SlicePlane plane, int index, int count, const QString& positionText)
{
    const QSignalBlocker planeBlocker(m_plane);
    const QSignalBlocker sliderBlocker(m_slider);
    m_plane->setCurrentIndex(m_plane->findData(int(plane)));
    m_slider->setRange(0, std::max(0, count - 1));
    m_slider->setValue(index);
    // 0-based, as the engine, the import manifest and the command line count slices.
    m_label->setText(tr("slice %1 (0-%2)   %3").arg(index).arg(count - 1).arg(positionText));
}

SlicePlane ScanNavigator::plane() const
{
    return static_cast<SlicePlane>(m_plane->currentData().toInt());
}

QString ScanNavigator::text() const
{
    return m_label->text();
}

} // namespace neurodx::ui
