#pragma once

#include "ScanWorker.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QThread;
class QTreeWidget;

namespace neurodx::ui {

class ClassCountChart;

// The first NeuroDx window: open a dataset folder (or the built-in demo), see images and subjects
// per class, the files that were skipped and why, and the scan's warnings. Scans run in a
// ScanWorker on their own thread; this window only draws.
class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Starts scanning `folder`; datasetLoaded or datasetFailed follows.
    void openDataset(const QString& folder);
    // Writes the synthetic demo dataset into the cache folder (once) and opens it.
    void openDemo();

    SharedDatasetIndex dataset() const { return m_dataset; }
    bool isScanning() const { return m_thread != nullptr; }

signals:
    void datasetLoaded(const neurodx::ui::SharedDatasetIndex& index);
    void datasetFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void startWorker(ScanWorker* worker, const QString& folder);
    void stopWorker();
    void showDataset(const SharedDatasetIndex& index);
    void showFailure(const QString& message);
    void chooseDatasetFolder();
    void showAbout();

    ClassCountChart* m_chart;
    QTableWidget* m_countTable;
    QTreeWidget* m_skippedTree;
    QLabel* m_warnings;
    QLabel* m_title;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QThread* m_thread = nullptr;
    QPointer<ScanWorker> m_worker;
    SharedDatasetIndex m_dataset;
};

} // namespace neurodx::ui
