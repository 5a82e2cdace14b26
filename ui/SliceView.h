#pragma once

#include "imaging/ViewerSlice.h"

#include <QImage>
#include <QStringList>
#include <QWidget>

namespace neurodx::ui {

// One slice as radiology viewers show it: window/level by dragging with the left button
// (horizontal = width, vertical = level, as OHIF and Slicer do), pan with the middle or right
// button, zoom with the wheel or presets; invert; MONOCHROME1 shown correctly; an optional colour
// heatmap over it; corner text. The pixel under the cursor is reported in modality units. Showing a
// scan, the wheel (and arrow keys, Page Up/Down) step through slices and Ctrl+wheel zooms.
class SliceView final : public QWidget {
    Q_OBJECT
public:
    struct Window {
        double center = 0.5;
        double width = 1.0;
        double low() const { return center - width / 2; }
        double high() const { return center + width / 2; }
    };

    explicit SliceView(QWidget* parent = nullptr);

    static constexpr int kPageSlices = 10; // Page Up/Down

    void setSlice(ViewerSlice slice);
    // The next slice of a scan: window, inversion, zoom and pan stay as the reader set them.
    void replaceSlice(ViewerSlice slice);
    // Wheel and keys scroll slices (sliceScrolled) instead of zooming.
    void setScrollsSlices(bool scrolls);
    bool scrollsSlices() const { return m_scrollsSlices; }
    const ViewerSlice& slice() const { return m_slice; }
    bool hasSlice() const { return m_slice.width > 0; }

    void setWindow(Window window);
    Window window() const { return m_window; }
    void setInverted(bool inverted);
    bool isInverted() const { return m_inverted; }
    // Zoom 1 = one image pixel per screen pixel; fitToWindow() follows the widget's size.
    void setZoom(double zoom);
    double zoom() const;
    void fitToWindow();
    void reset(); // default window, no inversion beyond MONOCHROME1, fit

    // Heatmap in [0, 1] of the slice's size (Grad-CAM), drawn with a perceptual colour map.
    void setHeatmap(const std::vector<float>& values, int width, int height);
    void clearHeatmap();
    void setHeatmapVisible(bool visible);
    void setHeatmapOpacity(double opacity); // 0..1
    bool hasHeatmap() const { return !m_heatmap.isNull(); }

    // Corner text: top-left, top-right, bottom-left, bottom-right.
    void setCornerText(const QStringList& corners);

    // The grey value shown for image pixel (x, y), 0..255, after window, level and inversion.
    int displayedGrey(int x, int y) const;
    // The slice as displayed (window/level, inversion, heatmap), at the image's own size.
    QImage renderedImage(bool withHeatmap = true) const;
    // The image pixel under a widget position, or (-1, -1).
    QPoint imagePixelAt(const QPointF& widgetPosition) const;

signals:
    void windowChanged(double center, double width);
    void pixelHovered(int x, int y, double value); // x = -1 when outside the image
    void zoomChanged(double zoom);
    void sliceScrolled(int steps); // positive: towards higher slice indices

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void rebuildImage();
    QRectF imageRect() const;
    double fitZoom() const;

    ViewerSlice m_slice;
    Window m_window;
    bool m_inverted = false;
    bool m_fit = true;
    double m_zoom = 1.0;
    QPointF m_pan;
    QImage m_image;   // the windowed slice
    QImage m_heatmap; // ARGB, the slice's size
    bool m_heatmapVisible = true;
    double m_heatmapOpacity = 0.45;
    QStringList m_corners;
    Qt::MouseButton m_dragButton = Qt::NoButton;
    QPointF m_dragStart;
    Window m_dragWindow;
    QPointF m_dragPan;
    bool m_scrollsSlices = false;
    int m_wheelRemainder = 0;
};

} // namespace neurodx::ui
