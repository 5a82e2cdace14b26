#pragma once

#include "EngineTypes.h"
#include "ScanWorker.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>

class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;

namespace neurodx::ui {

class DatasetDocument;
class ModelDocument;
class DatasetPage;
class EvaluationPage;
class ImportDialog;
class RunsPage;
class TrainingPage;
class TuningPage;
class ViewerPage;

// The NeuroDx main window: a side bar of pages (Dataset, Training, Evaluation, Tuning, Runs, Viewer), the
// menus, a status bar. It wires the pages together (a scanned dataset feeds training and tuning, a
// finished training opens in evaluation, "Use best" fills the training settings) and keeps its
// geometry, splitters and recent files in QSettings. Every engine job runs in a page's worker.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Dataset, Training, Evaluation, Tuning, Runs, Viewer };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openDataset(const QString& folder);
    void openDemo();
    // The window's geometry, splitters and the training form as the user left them (QSettings).
    // Explicit, so a window made by a test starts from the defaults; closing saves them.
    void restoreSettings();
    void openRun(const QString& folder);
    void openImage(const QString& file);
    // A dataset folder, a run folder, an image, or a scan (a NIfTI file, a DICOM series' file or
    // folder): whichever `path` is.
    void openPath(const QString& path);
    // File > Import Scans: the dialog, modeless; its result opens in the Dataset page.
    ImportDialog* showImportDialog();
    void showPage(Page page);
    Page currentPage() const;

    SharedDatasetIndex dataset() const;
    bool isScanning() const;
    bool isBusy() const; // a scan, training, evaluation or search is running

    DatasetDocument* document() const { return m_document; }
    ModelDocument* model() const { return m_model; }
    DatasetPage* datasetPage() const { return m_dataset; }
    TrainingPage* trainingPage() const { return m_training; }
    EvaluationPage* evaluationPage() const { return m_evaluation; }
    TuningPage* tuningPage() const { return m_tuning; }
    RunsPage* runsPage() const { return m_runs; }
    ViewerPage* viewerPage() const { return m_viewer; }

    // Asked before closing while a job runs (default: a message box). Tests answer it themselves.
    void setCloseConfirmation(std::function<bool(const QString& question)> confirm) { m_confirmClose = std::move(confirm); }

signals:
    void datasetLoaded(const neurodx::ui::SharedDatasetIndex& index);
    void datasetFailed(const QString& message);
    void runOpened(const neurodx::ui::SharedRunRecord& run);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    void addRecent(const QString& path);
    void fillRecentMenu();
    void showRun(const SharedRunRecord& run);
    void showError(const QString& title, const QString& message);
    void showAbout();

    DatasetDocument* m_document; // the open dataset and its split; the pages observe it
    ModelDocument* m_model;      // the model the viewer predicts with
    QListWidget* m_sideBar;
    QStackedWidget* m_pages;
    DatasetPage* m_dataset;
    TrainingPage* m_training;
    EvaluationPage* m_evaluation;
    TuningPage* m_tuning;
    RunsPage* m_runs;
    ViewerPage* m_viewer;
    QMenu* m_recentMenu = nullptr;
    QPointer<ImportDialog> m_import;
    std::function<bool(const QString&)> m_confirmClose;
    bool m_demoSettingsShown = false; // the form shows the demo's preset (openDemo)
};

} // namespace neurodx::ui
