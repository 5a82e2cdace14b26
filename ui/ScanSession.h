#pragma once

#include "PredictionTypes.h"
#include "ScanAnalysis.h"
#include "ScanReport.h"
#include "ViewerDocument.h"

#include <QObject>

namespace neurodx::ui {

class JobRunner;

// The scan open in the viewer: which plane and slice is shown, the scan's verdict (every slice of
// the model's range, in a worker, after opening and after each model change) and the shown
// slice's own probabilities and Grad-CAM map (in a worker, the newest slice winning). Answers that
// arrive for a slice or scan no longer shown are dropped. Never waits on a worker but when closing.
class ScanSession final : public QObject {
    Q_OBJECT
public:
    explicit ScanSession(QObject* parent = nullptr);
    ~ScanSession() override;

    void open(const SharedOpenedScan& scan); // shows its start slice and predicts it
    void close();
    bool isOpen() const { return m_scan != nullptr; }
    const OpenedScan& scan() const { return *m_scan; }
    void setClassifier(const SharedClassifier& classifier);
    void setSaliencyClass(int classIndex); // -1: the predicted class

    void setPlane(SlicePlane plane);
    void setIndex(int index); // clamped to the plane's slices
    void step(int delta);
    SlicePlane plane() const { return m_plane; }
    int index() const { return m_index; }
    int count() const;
    const ViewerSlice& slice() const { return m_slice; } // the slice shown
    QString positionText() const;                      // "S 12.5 mm"

    SharedScanAnalysis analysis() const { return m_analysis; }
    SharedSlicePrediction slicePrediction() const { return m_slicePrediction; } // the shown slice's, once predicted
    bool isBusy() const;
    void cancelAndWait();

    // The scan's part of a report, its slices shown with the reader's window.
    ScanReport report(double low, double high, bool inverted, double heatmapOpacity) const;

signals:
    void sliceChanged();
    void scanPredicting(const QString& message);
    void scanPredicted(const neurodx::ui::SharedScanAnalysis& analysis);
    void slicePredicting();
    void slicePredicted(const neurodx::ui::SharedSlicePrediction& prediction);
    void predictionFailed(const QString& message);

private:
    void showSlice();
    void predictScan();
    void predictSlice();
    std::string sliceName() const; // names the shown slice in its prediction

    JobRunner* m_scanJobs;
    JobRunner* m_sliceJobs;
    SharedOpenedScan m_scan;
    SharedClassifier m_classifier;
    int m_saliencyClass = -1;
    SlicePlane m_plane = SlicePlane::Axial;
    int m_index = 0;
    ViewerSlice m_slice;
    SharedScanAnalysis m_analysis;
    SharedSlicePrediction m_slicePrediction;
    // A request that came while a worker ran: its answer is stale, and the job runs again when it ends.
    bool m_scanAgain = false;
    bool m_sliceAgain = false;
};

} // namespace neurodx::ui
