#pragma once

#include "imaging/DicomTags.h"
#include "imaging/ViewerSlice.h"
#include "SliceReport.h"

#include "inference/SliceClassifier.h"

#include <QMetaType>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QSlider;
class QToolBar;
class QAction;

namespace neurodx::ui {

class BatchPredictionView;
class DicomTagTree;
class PredictionPanel;
class SliceView;
class WorkerThread;

// A slice opened in the viewer: the pixels and, for DICOM, the attributes.
struct OpenedSlice {
    ViewerSlice slice;
    std::vector<DicomTagNode> tags;
};
using SharedOpenedSlice = std::shared_ptr<const OpenedSlice>;
using SharedClassifier = std::shared_ptr<SliceClassifier>;
using SharedSlicePrediction = std::shared_ptr<const SlicePrediction>;

// The clinician's page: open a DICOM or image slice (dialog, drag and drop, command line), see it
// windowed as radiology viewers do, read its DICOM attributes, and see the model's prediction with
// its confidence and Grad-CAM heatmap; save a PDF report; predict a whole folder into a sortable
// table. Reading, predicting and Grad-CAM run in workers.
class ViewerPage final : public QWidget {
    Q_OBJECT
public:
    explicit ViewerPage(QWidget* parent = nullptr);
    ~ViewerPage() override;

    void openImage(const QString& file, std::optional<int> frame = std::nullopt);
    void chooseImage(); // a file dialog
    void loadModel(const QString& modelFile);
    void predictFolder(const QString& folder);
    bool exportReport(const QString& file, bool includeIdentifiers, QString* error = nullptr);
    // What the report holds right now (identifiers only when asked).
    SliceReport currentReport(bool includeIdentifiers) const;
    void applyWindowPreset(WindowPreset preset);
    void setIdentifiersHidden(bool hidden);
    void cancelAndWait();

    bool isBusy() const;
    QString currentFile() const;
    SliceView* view() const { return m_view; }
    PredictionPanel* prediction() const { return m_prediction; }
    DicomTagTree* tags() const { return m_tags; }
    BatchPredictionView* batch() const { return m_batch; }
    SharedSlicePrediction lastPrediction() const { return m_lastPrediction; }
    SharedClassifier classifier() const { return m_classifier; }
    QString cornerText(int corner) const;

signals:
    void imageOpened(const QString& file);
    void openFailed(const QString& message);
    void modelLoaded(const QString& modelFile);
    void predicted();
    void batchFinished(int files);
    void statusMessage(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createToolBar();
    void showOpened(const SharedOpenedSlice& opened);
    void predictCurrent();
    void showPrediction(const SharedSlicePrediction& prediction);
    void updateCorners();
    void updateWindowLabel();
    void chooseAndExportReport();
    QString defaultModelFile() const;

    QToolBar* m_toolBar;
    SliceView* m_view;
    PredictionPanel* m_prediction;
    DicomTagTree* m_tags;
    BatchPredictionView* m_batch;
    QComboBox* m_presets;
    QSlider* m_frame;
    QLabel* m_frameLabel;
    QLabel* m_pixel;
    QLabel* m_windowLabel;
    QAction* m_hideIdentifiers;
    QAction* m_invert;
    std::vector<QAction*> m_frameActions;
    WorkerThread* m_loadThread;
    WorkerThread* m_modelThread;
    WorkerThread* m_predictThread;
    SharedOpenedSlice m_opened;
    SharedClassifier m_classifier;
    SharedSlicePrediction m_lastPrediction;
    bool m_predictAgain = false;
};

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedOpenedSlice)
Q_DECLARE_METATYPE(neurodx::ui::SharedClassifier)
Q_DECLARE_METATYPE(neurodx::ui::SharedSlicePrediction)
