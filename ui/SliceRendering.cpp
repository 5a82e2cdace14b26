#include "SliceRendering.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

namespace {

// A compact approximation of the "turbo" map: blue (low) to red (high), readable over grey.
QRgb heatColour(float v, int alpha)
{
    v = std::clamp(v, 0.0f, 1.0f);
    const double r = std::clamp(1.5 - std::abs(4.0 * v - 3.0), 0.0, 1.0);
    const double g = std::clamp(1.5 - std::abs(4.0 * v - 2.0), 0.0, 1.0);
    const double b = std::clamp(1.5 - std::abs(4.0 * v - 1.0), 0.0, 1.0);
    return qRgba(int(r * 255), int(g * 255), int(b * 255), int(alpha * std::clamp(v * 1.4f, 0.0f, 1.0f)));
}

} // namespace

int windowedGrey(double value, double low, double high, bool inverted)
{
    const double v = (value - low) / std::max(1e-6, high - low);
    const int grey = static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
    return inverted ? 255 - grey : grey;
}

QImage windowedImage(const ViewerSlice& slice, double low, double high, bool inverted)
{
    if (slice.width <= 0 || slice.height <= 0)
        return {};
    if (slice.isColour() && !inverted) // colour images are shown as stored; the window applies to their luma readout only
        return QImage(slice.rgb.data(), slice.width, slice.height, slice.width * 3, QImage::Format_RGB888).copy();
    QImage image(slice.width, slice.height, QImage::Format_Grayscale8);
    for (int y = 0; y < slice.height; ++y) {
        uchar* row = image.scanLine(y);
        for (int x = 0; x < slice.width; ++x)
            row[x] = static_cast<uchar>(windowedGrey(slice.valueAt(x, y), low, high, inverted));
    }
    return image;
}

QImage heatmapImage(const std::vector<float>& values, int width, int height)
{
    QImage heatmap(width, height, QImage::Format_ARGB32);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(heatmap.scanLine(y));
        for (int x = 0; x < width; ++x)
            row[x] = heatColour(values[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)], 255);
    }
    return heatmap;
}

QImage withHeatmap(const QImage& base, const QImage& heatmap, double opacity)
{
    QImage out = base.convertToFormat(QImage::Format_RGB32);
    if (!heatmap.isNull()) {
        QPainter painter(&out);
        painter.setOpacity(opacity);
        painter.drawImage(out.rect(), heatmap);
    }
    return out;
}

} // namespace neurodx::ui
