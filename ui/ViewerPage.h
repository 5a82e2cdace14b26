#pragma once

#include "PredictionTypes.h"
#include "ScanReport.h"
#include "SliceReport.h"
#include "ViewerDocument.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QLabel;

namespace neurodx::ui {

class BatchPredictionView;
class DicomTagTree;
class PredictionPanel;
class ScanPane;
class SliceView;
class ViewerToolBar;
class JobRunner;
class ModelDocument;

// The clinician's page: open a DICOM or image slice, or a 3D scan (a DICOM series or NIfTI file;
// dialog, drag and drop, command line), see it windowed as radiology viewers do, read its DICOM
// attributes, and see the model's prediction with its confidence and Grad-CAM heatmap (for a scan:
// its verdict over the model's slice range and a strip of per-slice probabilities); save a PDF
// report; predict a whole folder into a sortable table. Reading, predicting and Grad-CAM run in workers.
class ViewerPage final : public QWidget {
    Q_OBJECT
public:
    // Predicts with `model`'s classifier (the window's); without one the page keeps a model of its own.
    explicit ViewerPage(ModelDocument* model = nullptr, QWidget* parent = nullptr);
    ~ViewerPage() override;

    // A file: a scan when it is a NIfTI file or a DICOM file with its series beside it, else a 2D
    // slice (`frame`: that frame of a multi-frame DICOM, always 2D).
    void openImage(const QString& file, std::optional<int> frame = std::nullopt);
    // A file as openImage(), or a folder holding a scan. For a folder without one, `ifNoScan(folder)`
    // runs instead (default: openFailed with the reason).
    void openPath(const QString& path, std::function<void(const QString& folder)> ifNoScan = {});
    void chooseImage();      // a file dialog
    void chooseScanFolder(); // a folder dialog
    void loadModel(const QString& modelFile); // into the model document
    ModelDocument* model() const { return m_model; }
    // Calibrated probabilities (the default) or the raw softmax, for the slice or scan shown.
    void setCalibrated(bool calibrated);
    // What the user chose last time: hidden identifiers, and the model (loaded again if its file is
    // still there). MainWindow::restoreSettings calls it; the constructor reads no setting.
    void loadSettings();
    void predictFolder(const QString& folder);
    bool exportReport(const QString& file, bool includeIdentifiers, QString* error = nullptr);
    // What the report holds right now (identifiers only when asked).
    SliceReport currentReport(bool includeIdentifiers) const;
    ScanReport currentScanReport(bool includeIdentifiers) const;
    void applyWindowPreset(WindowPreset preset);
    void setIdentifiersHidden(bool hidden);
    bool identifiersHidden() const;
    void cancelAndWait();

    bool isBusy() const;
    bool isScanOpen() const;
    QString currentFile() const; // the slice's file, or the scan's file or folder
    SliceView* view() const { return m_view; }
    PredictionPanel* prediction() const { return m_prediction; }
    DicomTagTree* tags() const { return m_tags; }
    BatchPredictionView* batch() const { return m_batch; }
    ScanPane* scan() const { return m_scan; }
    SharedSlicePrediction lastPrediction() const { return m_lastPrediction; }
    SharedClassifier classifier() const; // the model document's
    QString cornerText(int corner) const;

signals:
    void imageOpened(const QString& file); // a slice or a scan
    void scanOpened(const QString& path);
    void scanPredicted();
    void openFailed(const QString& message);
    void modelLoaded(const QString& modelFile);
    void predicted();
    void batchFinished(int files);
    void statusMessage(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void connectToolBar();
    void startOpening(const QString& path, std::optional<int> frame, std::function<void(const QString&)> ifNoScan);
    void showDocument(const ViewerDocument& document, const QString& file, const std::function<void(const QString&)>& ifNoScan);
    void showModel(const SharedClassifier& classifier, const QString& modelFile);
    void showOpened(const SharedOpenedSlice& opened);
    void showScan(const SharedOpenedScan& scan, const QString& path);
    void showScanSlice();
    void predictCurrent();
    void showPrediction(const SharedSlicePrediction& prediction);
    void updateCorners();
    void updateWindowLabel();
    void chooseAndExportReport();

    ViewerToolBar* m_toolBar;
    SliceView* m_view;
    PredictionPanel* m_prediction;
    DicomTagTree* m_tags;
    BatchPredictionView* m_batch;
    ScanPane* m_scan;
    QLabel* m_pixel;
    QLabel* m_windowLabel;
    ModelDocument* m_model;
    JobRunner* m_loadJobs;
    JobRunner* m_predictJobs;
    SharedOpenedSlice m_opened;
    SharedSlicePrediction m_lastPrediction;
    bool m_predictAgain = false;
};

} // namespace neurodx::ui
