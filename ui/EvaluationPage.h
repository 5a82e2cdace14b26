#pragma once

#include "EngineTypes.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;

namespace neurodx {
struct ModelEvaluationRequest;
}

namespace neurodx::ui {

class ConfusionMatrixView;
class MetricsTable;
class ReliabilityPlot;
class RocPlot;
class ThumbnailGrid;
class JobRunner;

// How good a trained model is: pick a run, its checkpoint (best or last) and the split part (test
// by default) or any model file (.pt, Keras .h5) on a dataset, and see the confusion matrix, the per-class metrics with intervals, the summary,
// ROC curves, the reliability diagram with ECE and Brier score (calibrated and raw), slice or subject level, and a gallery of the misclassified slices (double-click opens
// one in the viewer). Everything exports as PNG/PDF/CSV. Evaluation runs in a worker.
class EvaluationPage final : public QWidget {
    Q_OBJECT
public:
    explicit EvaluationPage(QWidget* parent = nullptr);
    ~EvaluationPage() override;

    // Cancels a running job and waits for it (closing the window).
    void cancelAndWait();

    // A run's stored test predictions (instant), and the run becomes the one "Evaluate" works on.
    void showRun(const SharedRunRecord& run);
    // Reads a run folder in a worker (its intervals take a moment on big test sets), then showRun.
    void openRunFolder(const QString& folder);
    // Re-evaluates the run's checkpoint on a part of its split, in a worker.
    void evaluate(const QString& runFolder, const QString& checkpoint, const QString& part);
    // Any model file (NeuroDx .pt, Keras .h5) on a dataset folder (all of it) or a run folder (its
    // test part), in a worker.
    void evaluateModelFile(const QString& modelFile, const QString& target);
    void showEvaluation(const SharedEvaluation& evaluation);
    void setSubjectLevel(bool subjects);
    void setNormalised(bool normalised);

    SharedEvaluation evaluation() const { return m_evaluation; }
    bool isEvaluating() const;
    ConfusionMatrixView* matrix() const { return m_matrix; }
    MetricsTable* metrics() const { return m_metrics; }
    RocPlot* roc() const { return m_roc; }
    ReliabilityPlot* reliability() const { return m_reliability; }
    // "Calibrated (temperature 1.42, fitted on 48 validation slices): ECE 0.031 ..." or why not.
    QString calibrationText() const;
    ThumbnailGrid* gallery() const { return m_gallery; }

signals:
    void evaluationShown();
    void evaluationFailed(const QString& message);
    void imageActivated(const QString& file);
    void statusMessage(const QString& message);

private:
    void refresh();
    void chooseRun();
    void chooseModelFile();
    void startEvaluation(const ModelEvaluationRequest& request, const QString& message);
    void exportAll();

    QLabel* m_runLabel;
    QComboBox* m_checkpoint;
    QComboBox* m_part;
    QPushButton* m_evaluate;
    QComboBox* m_level;
    QCheckBox* m_normalised;
    QLabel* m_status;
    ConfusionMatrixView* m_matrix;
    MetricsTable* m_metrics;
    RocPlot* m_roc;
    ReliabilityPlot* m_reliability;
    QLabel* m_calibration;
    QLabel* m_warnings; // evaluationWarnings(): few test subjects, one class predicted for all
    ThumbnailGrid* m_gallery;
    QLabel* m_galleryTitle;
    JobRunner* m_jobs;
    QString m_runFolder;
    SharedEvaluation m_evaluation;
};

} // namespace neurodx::ui
