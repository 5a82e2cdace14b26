#pragma once

#include "TrainingWorker.h"

#include "dataset/Split.h"

#include <QWidget>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QCheckBox;

namespace neurodx {
struct RunRecord;
}

namespace neurodx::ui {

class DatasetDocument;

class TrainingCurves;
class TrainingSettingsForm;
class JobRunner;

// Train a model on the open dataset and watch it learn: settings on the left; Start, Pause, Stop,
// Resume; live loss/accuracy curves with smoothing and a log axis; progress per epoch and batch
// with slices/s and ETA; a log. The training itself runs in a TrainingWorker.
class TrainingPage final : public QWidget {
    Q_OBJECT
public:
    // Trains the index and split `document` holds (the window's open dataset).
    explicit TrainingPage(const DatasetDocument* document, QWidget* parent = nullptr);
    ~TrainingPage() override;

    // Cancels a running job and waits for it (closing the window).
    void cancelAndWait();

    void startTraining();
    void togglePause();
    void stopTraining();          // cancels and waits; best.pt and last.pt stay valid
    void resumeRun(const QString& runFolder);
    void showRun(const RunRecord& run); // a past run's curves

    bool isTraining() const;
    bool isPaused() const;
    QString runFolder() const { return m_runFolder; }
    TrainingSettingsForm* settings() const { return m_form; }
    TrainingCurves* curves() const { return m_curves; }
    QString logText() const;

signals:
    void trainingStarted(const QString& runFolder);
    void trainingFinished(const QString& runFolder, const QString& stopReason, bool tested);
    void trainingFailed(const QString& message);
    void statusMessage(const QString& message);

private:
    void launch(TrainingJobConfig job);
    void onBatches(const QVector<BatchPoint>& points, const TrainingProgress& progress);
    void onEpoch(const EpochRecord& record);
    void log(const QString& line);
    void setRunning(bool running);
    void exportCurves();
    void exportHistory();

    const DatasetDocument* m_document;
    TrainingSettingsForm* m_form;
    TrainingCurves* m_curves;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QPushButton* m_resume;
    QLabel* m_stage;
    QLabel* m_speed;
    QProgressBar* m_epochProgress;
    QProgressBar* m_batchProgress;
    QSlider* m_smoothing;
    QCheckBox* m_logLoss;
    QPlainTextEdit* m_log;
    JobRunner* m_jobs;
    TrainingWorker* m_worker = nullptr;
    QString m_runFolder;
    double m_lastEpochSeconds = 0;
};

} // namespace neurodx::ui
