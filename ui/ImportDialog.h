#pragma once

#include "ImportWorker.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace neurodx::ui {

class JobRunner;

// File > Import Scans: an ADNI download (DICOM series or NIfTI, with or without IDA's collection
// CSV) becomes a class-folder dataset of slices. "Find Scans" lists every scan found and what will
// happen to it (class, subject, visit, slices, problems, why skipped) before anything is written;
// "Import" writes it with progress and cancel (a cancelled scan leaves none of its files), lists the
// failures, and asks for the result to open in the Dataset page. Both steps run in a worker; the
// folders and options are remembered (QSettings "import/...") when a step starts, and brought back by
// loadSettings() (MainWindow calls it when it creates the dialog; the constructor reads nothing).
class ImportDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ImportDialog(QWidget* parent = nullptr);
    ~ImportDialog() override;

    void setSource(const QString& folder);
    void setMetadataCsv(const QString& file); // empty: none
    void setOutput(const QString& folder);
    void setSliceSelection(const SliceSelection& selection);
    void setBaselineOnly(bool baselineOnly);
    void setOpenWhenDone(bool open);
    ImportOptions options() const;
    void loadSettings();

    void findScans();   // plans in a worker; fills the table
    void startImport(); // writes the plan found last
    void cancel();      // asks the running step to stop; cancelled() follows
    bool isBusy() const;

    SharedImportPlan plan() const { return m_plan; }
    SharedImportResult result() const { return m_result; }
    QTableWidget* table() const { return m_table; }
    QString statusText() const;
    QString failuresText() const;

    enum Column { Subject, Visit, Class, ImageId, Series, Slices, Problems, ColumnCount };

signals:
    void planned(const neurodx::ui::SharedImportPlan& plan);
    void imported(const neurodx::ui::SharedImportResult& result);
    void cancelled();
    void failed(const QString& message);
    void openDatasetRequested(const QString& folder);

protected:
    void done(int result) override; // closing cancels and waits for a running step

private:
    QWidget* createOptions();
    void browse(QLineEdit* edit, bool folder, const QString& title);
    void start(ImportWorker* worker);
    void showPlan(const SharedImportPlan& plan);
    void showResult(const SharedImportResult& result);
    void showProgress(int done, int total, int slices, const QString& current);
    void finishStep(const QString& status);
    void invalidatePlan();
    void updateRuleFields();
    void saveSettings() const;

    QLineEdit* m_source;
    QLineEdit* m_csv;
    QLineEdit* m_output;
    QComboBox* m_plane;
    QComboBox* m_rule;
    QSpinBox* m_count;
    QSpinBox* m_first;
    QSpinBox* m_last;
    QCheckBox* m_baselineOnly;
    QCheckBox* m_openWhenDone;
    QPushButton* m_find;
    QPushButton* m_import;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QTableWidget* m_table;
    QLabel* m_summary;
    QLabel* m_failures;
    JobRunner* m_jobs;
    SharedImportPlan m_plan;
    SharedImportResult m_result;
};

} // namespace neurodx::ui
