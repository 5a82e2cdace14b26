#include "SliceView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

namespace {

// A compact approximation of the viridis-like "turbo" map: blue (low) to red (high), readable over grey.
QRgb heatColour(float v, int alpha)
{
    v = std::clamp(v, 0.0f, 1.0f);
    const double r = std::clamp(1.5 - std::abs(4.0 * v - 3.0), 0.0, 1.0);
    const double g = std::clamp(1.5 - std::abs(4.0 * v - 2.0), 0.0, 1.0);
    const double b = std::clamp(1.5 - std::abs(4.0 * v - 1.0), 0.0, 1.0);
    return qRgba(int(r * 255), int(g * 255), int(b * 255), int(alpha * std::clamp(v * 1.4f, 0.0f, 1.0f)));
}

} // namespace

SliceView::SliceView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("sliceView"));
    setMouseTracking(true);
    setMinimumSize(256, 256);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Left drag: window (horizontal) and level (vertical). Middle or right drag: pan. Wheel: zoom."));
}

void SliceView::setSlice(ViewerSlice slice)
{
    m_slice = std::move(slice);
    m_heatmap = QImage();
    reset();
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
    const double v = (m_slice.valueAt(x, y) - m_window.low()) / m_window.width;
    const int grey = static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
    return m_inverted ? 255 - grey : grey;
}

void SliceView::rebuildImage()
{
    if (!hasSlice()) {
        m_image = QImage();
        update();
        return;
    }
    if (m_slice.isColour() && !m_inverted) {
        // Colour images are shown as stored; window/level applies to their luma readout only.
        m_image = QImage(m_slice.rgb.data(), m_slice.width, m_slice.height, m_slice.width * 3, QImage::Format_RGB888).copy();
    } else {
        m_image = QImage(m_slice.width, m_slice.height, QImage::Format_Grayscale8);
        for (int y = 0; y < m_slice.height; ++y) {
            uchar* row = m_image.scanLine(y);
            for (int x = 0; x < m_slice.width; ++x)
                row[x] = static_cast<uchar>(displayedGrey(x, y));
        }
    }
    update();
}

void SliceView::setHeatmap(const std::vector<float>& values, int width, int height)
{
    m_heatmap = QImage(width, height, QImage::Format_ARGB32);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(m_heatmap.scanLine(y));
        for (int x = 0; x < width; ++x)
            row[x] = heatColour(values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)], 255);
    }
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

QImage SliceView::renderedImage(bool withHeatmap) const
{
    QImage out = m_image.convertToFormat(QImage::Format_RGB32);
    if (withHeatmap && m_heatmapVisible && !m_heatmap.isNull()) {
        QPainter painter(&out);
        painter.setOpacity(m_heatmapOpacity);
        painter.drawImage(out.rect(), m_heatmap);
    }
    return out;
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
        painter.drawText(rect(), Qt::AlignCenter, tr("Open a DICOM or image file (Ctrl+I), or drop one here."));
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
    const double steps = event->angleDelta().y() / 120.0;
    setZoom(zoom() * std::pow(1.15, steps));
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
