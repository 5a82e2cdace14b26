#pragma once

#include "ScanWorker.h"

#include "dataset/Split.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTreeWidget;

namespace neurodx::ui {

class ClassCountChart;
class ThumbnailGrid;
class JobRunner;
class DatasetDocument;

// The dataset a researcher works on: scan a folder (on a worker, with progress and cancel), see
// images and subjects per class, browse classes -> subjects -> files with thumbnails, see what was
// skipped and why, and choose the split every training starts from.
class DatasetPage final : public QWidget {
    Q_OBJECT
public:
    // Writes what it opens and the split it shows into `document` (the window's).
    explicit DatasetPage(DatasetDocument* document, QWidget* parent = nullptr);
    ~DatasetPage() override;

    void openDataset(const QString& folder);
    // Writes the synthetic demo dataset into the cache folder (once) and opens it.
    void openDemo();
    void cancelScan();

    SharedDatasetIndex dataset() const;
    bool isScanning() const;
    SplitConfig splitConfig() const;
    void setSplitConfig(const SplitConfig& config);
    // The split settings the user chose last time: explicit calls (MainWindow::restoreSettings at
    // start, closing the window), never on each edit.
    void loadSettings();
    void saveSettings() const;
    // The split of the current settings; nullptr without a dataset or when the settings cannot split it.
    const DatasetSplit* split() const;
    ClassCountChart* chart() const { return m_chart; }
    ThumbnailGrid* thumbnails() const { return m_grid; }

signals:
    void datasetLoaded(const neurodx::ui::SharedDatasetIndex& index);
    void datasetFailed(const QString& message);
    void statusMessage(const QString& message);
    void imageActivated(const QString& file);

private:
    QWidget* createOverviewTab();
    QWidget* createSplitTab();
    void startScan(ScanWorker* worker, const QString& folder);
    void showDataset(const SharedDatasetIndex& index);
    void showFailure(const QString& message);
    void fillClassTree();
    void showFilesOf(const QString& className, const std::optional<QString>& subject); // all classes when empty
    void updateSplit();

    DatasetDocument* m_document;
    QLabel* m_title;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QTreeWidget* m_classTree;
    QTabWidget* m_tabs;
    ClassCountChart* m_chart;
    QTableWidget* m_countTable;
    QLabel* m_warnings;
    QTreeWidget* m_skippedTree;
    ThumbnailGrid* m_grid;
    QComboBox* m_splitMode;
    QDoubleSpinBox* m_ratios[kSplitParts];
    QSpinBox* m_seed;
    QTableWidget* m_splitTable;
    QLabel* m_leakageWarning;
    QLabel* m_splitStatus;
    JobRunner* m_scan;
};

} // namespace neurodx::ui
