#include "SliceView.h"

#include "SliceRendering.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

SliceView::SliceView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("sliceView"));
    setMouseTracking(true);
    setMinimumSize(256, 256);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setScrollsSlices(false);
}

void SliceView::setScrollsSlices(bool scrolls)
{
    m_scrollsSlices = scrolls;
    m_wheelRemainder = 0;
    setToolTip(scrolls ? tr("Left drag: window (horizontal) and level (vertical). Middle or right drag: pan. Wheel, arrow keys, "
                            "Page Up/Down: slices. Ctrl+wheel: zoom.")
                       : tr("Left drag: window (horizontal) and level (vertical). Middle or right drag: pan. Wheel: zoom."));
}

void SliceView::setSlice(ViewerSlice slice)
{
    m_slice = std::move(slice);
    m_heatmap = QImage();
    reset();
}

void SliceView::replaceSlice(ViewerSlice slice)
{
    const bool sameSize = slice.width == m_slice.width && slice.height == m_slice.height;
    m_slice = std::move(slice);
    m_heatmap = QImage();
    if (!sameSize && !m_fit)
        m_pan = {}; // another plane: its image is elsewhere, keep only the zoom
    rebuildImage();
    if (!sameSize)
        emit zoomChanged(zoom());
}

void SliceView::reset()
{
    m_window = {(m_slice.defaultLow + m_slice.defaultHigh) / 2, std::max(1e-6, m_slice.defaultHigh - m_slice.defaultLow)};
    m_inverted = m_slice.info.isMonochrome1();
    m_fit = true;
    m_pan = {};
    rebuildImage();
    emit windowChanged(m_window.center, m_window.width);
    emit zoomChanged(zoom());
}

void SliceView::setWindow(Window window)
{
    window.width = std::max(1e-6, window.width);
    m_window = window;
    rebuildImage();
    emit windowChanged(m_window.center, m_window.width);
}

void SliceView::setInverted(bool inverted)
{
    m_inverted = inverted;
    rebuildImage();
}

int SliceView::displayedGrey(int x, int y) const
{
    return windowedGrey(m_slice.valueAt(x, y), m_window.low(), m_window.high(), m_inverted);
}

void SliceView::rebuildImage()
{
    m_image = windowedImage(m_slice, m_window.low(), m_window.high(), m_inverted);
    update();
}

void SliceView::setHeatmap(const std::vector<float>& values, int width, int height)
{
    m_heatmap = heatmapImage(values, width, height);
    update();
}

void SliceView::clearHeatmap()
{
    m_heatmap = QImage();
    update();
}

void SliceView::setHeatmapVisible(bool visible)
{
    m_heatmapVisible = visible;
    update();
}

void SliceView::setHeatmapOpacity(double opacity)
{
    m_heatmapOpacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void SliceView::setCornerText(const QStringList& corners)
{
    m_corners = corners;
    update();
}

QImage SliceView::renderedImage(bool withHeatmapOverlay) const
{
    return withHeatmap(m_image, withHeatmapOverlay && m_heatmapVisible ? m_heatmap : QImage(), m_heatmapOpacity);
}

double SliceView::fitZoom() const
{
    if (!hasSlice())
        return 1.0;
    return std::min(width() / double(m_slice.width), height() / double(m_slice.height));
}

double SliceView::zoom() const
{
    return m_fit ? fitZoom() : m_zoom;
}

void SliceView::setZoom(double zoom)
{
    m_fit = false;
    m_zoom = std::clamp(zoom, 0.05, 64.0);
    update();
    emit zoomChanged(m_zoom);
}

void SliceView::fitToWindow()
{
    m_fit = true;
    m_pan = {};
    update();
    emit zoomChanged(zoom());
}

QRectF SliceView::imageRect() const
{
    const double z = zoom();
    const QSizeF size(m_slice.width * z, m_slice.height * z);
    const QPointF topLeft((width() - size.width()) / 2 + m_pan.x(), (height() - size.height()) / 2 + m_pan.y());
    return {topLeft, size};
}

QPoint SliceView::imagePixelAt(const QPointF& position) const
{
    if (!hasSlice())
        return {-1, -1};
    const QRectF rect = imageRect();
    const int x = static_cast<int>(std::floor((position.x() - rect.left()) / zoom()));
    const int y = static_cast<int>(std::floor((position.y() - rect.top()) / zoom()));
    if (x < 0 || y < 0 || x >= m_slice.width || y >= m_slice.height)
        return {-1, -1};
    return {x, y};
}

void SliceView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), Qt::black);
    if (!hasSlice()) {
        painter.setPen(Qt::lightGray);
        painter.drawText(rect(), Qt::AlignCenter, tr("Open a DICOM or image file (Ctrl+I) or a scan folder, or drop one here."));
        return;
    }
    const QRectF target = imageRect();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom() < 2.0);
    painter.drawImage(target, m_image);
    if (m_heatmapVisible && !m_heatmap.isNull()) {
        painter.setOpacity(m_heatmapOpacity);
        painter.drawImage(target, m_heatmap);
        painter.setOpacity(1.0);
    }
    painter.setPen(QColor(255, 255, 160));
    const QRect box = rect().adjusted(8, 6, -8, -6);
    const Qt::Alignment alignments[] = {Qt::AlignTop | Qt::AlignLeft, Qt::AlignTop | Qt::AlignRight, Qt::AlignBottom | Qt::AlignLeft,
                                        Qt::AlignBottom | Qt::AlignRight};
    for (int i = 0; i < 4 && i < m_corners.size(); ++i)
        painter.drawText(box, int(alignments[i]), m_corners[i]);
}

void SliceView::mousePressEvent(QMouseEvent* event)
{
    m_dragButton = event->button();
    m_dragStart = event->position();
    m_dragWindow = m_window;
    m_dragPan = m_pan;
    if (m_dragButton != Qt::LeftButton && m_fit) {
        m_zoom = fitZoom(); // panning leaves fit mode at the same scale
        m_fit = false;
    }
}

void SliceView::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF delta = event->position() - m_dragStart;
    if (m_dragButton == Qt::LeftButton && hasSlice()) {
        // One screen width of drag spans the whole value range, as in OHIF.
        const double range = std::max(1e-6, m_slice.valueRange.second - m_slice.valueRange.first);
        const double perPixel = range / std::max(200, width());
        Window w = m_dragWindow;
        w.width = std::max(perPixel, m_dragWindow.width + delta.x() * perPixel);
        w.center = m_dragWindow.center - delta.y() * perPixel;
        setWindow(w);
    } else if (m_dragButton == Qt::MiddleButton || m_dragButton == Qt::RightButton) {
        m_pan = m_dragPan + delta;
        update();
    }
    const QPoint pixel = imagePixelAt(event->position());
    emit pixelHovered(pixel.x(), pixel.y(), pixel.x() >= 0 ? m_slice.valueAt(pixel.x(), pixel.y()) : 0.0);
}

void SliceView::mouseReleaseEvent(QMouseEvent*)
{
    m_dragButton = Qt::NoButton;
}

void SliceView::wheelEvent(QWheelEvent* event)
{
    if (m_scrollsSlices && !(event->modifiers() & Qt::ControlModifier)) {
        // Touchpads send small deltas: a slice per 120 units (one notch), as Qt documents.
        m_wheelRemainder += event->angleDelta().y();
        const int steps = m_wheelRemainder / 120;
        m_wheelRemainder -= steps * 120;
        if (steps != 0)
            emit sliceScrolled(steps);
        event->accept();
        return;
    }
    const double steps = event->angleDelta().y() / 120.0;
    setZoom(zoom() * std::pow(1.15, steps));
}

void SliceView::keyPressEvent(QKeyEvent* event)
{
    int steps = 0;
    if (m_scrollsSlices) {
        switch (event->key()) {
        case Qt::Key_Up:
        case Qt::Key_Right:
            steps = 1;
            break;
        case Qt::Key_Down:
        case Qt::Key_Left:
            steps = -1;
            break;
        case Qt::Key_PageUp:
            steps = kPageSlices;
            break;
        case Qt::Key_PageDown:
            steps = -kPageSlices;
            break;
        default:
            break;
        }
    }
    if (steps == 0)
        return QWidget::keyPressEvent(event);
    emit sliceScrolled(steps);
    event->accept();
}

void SliceView::resizeEvent(QResizeEvent*)
{
    if (m_fit)
        emit zoomChanged(zoom());
}

void SliceView::leaveEvent(QEvent*)
{
    emit pixelHovered(-1, -1, 0.0);
}

} // namespace neurodx::ui
