#pragma once

#include "PredictionTypes.h"
#include "ScanReport.h"
#include "ViewerDocument.h"

#include <QWidget>

namespace neurodx::ui {

class PredictionPanel;
class ScanNavigator;
class ScanSession;
class ScanStripPlot;
class SliceView;

// The scan half of the viewer, under the image: the plane and slice navigator and the strip of
// per-slice probabilities. It drives the page's SliceView and PredictionPanel while a scan is
// open (wheel, keys, slider and strip all move one ScanSession) and is hidden for 2D images.
class ScanPane final : public QWidget {
    Q_OBJECT
public:
    ScanPane(SliceView* view, PredictionPanel* panel, QWidget* parent = nullptr);
    ~ScanPane() override;

    void open(const SharedOpenedScan& scan);
    void close();
    bool isOpen() const;
    void setClassifier(const SharedClassifier& classifier);
    void setSaliencyClass(int classIndex);

    ScanSession* session() const { return m_session; }
    ScanNavigator* navigator() const { return m_navigator; }
    ScanStripPlot* strip() const { return m_strip; }
    // The overlay's lines for the shown slice: "axial 44 (0-159)", "S 12.5 mm".
    QStringList overlayLines() const;
    // The scan's report under the view's current window, with the strip.
    ScanReport report() const;
    bool isBusy() const;
    void cancelAndWait();

signals:
    void sliceShown();
    void slicePredicted();
    void scanPredicted();
    void statusMessage(const QString& message);

private:
    void showSlice();
    void showAnalysis();
    void showFailure(const QString& message);

    SliceView* m_view;
    PredictionPanel* m_panel;
    ScanSession* m_session;
    ScanNavigator* m_navigator;
    ScanStripPlot* m_strip;
    bool m_firstSlice = true; // the first slice of a scan sets the view's default window; later ones keep the reader's
};

} // namespace neurodx::ui
