#pragma once

#include "EngineTypes.h"

#include <QWidget>

class QComboBox;
class QCustomPlot;
class QLabel;
class QTreeWidget;

namespace neurodx::ui {

class JobRunner;

// Past runs: every run folder under the runs folder with its model, epochs and results. Opening
// one brings back its curves, matrix and metrics; selecting two or more overlays their curves in one
// plot (validation accuracy, validation loss, training accuracy or loss).
class RunsPage final : public QWidget {
    Q_OBJECT
public:
    explicit RunsPage(QWidget* parent = nullptr);
    ~RunsPage() override;

    // Cancels a running job and waits for it (closing the window).
    void cancelAndWait();

    void setRoot(const QString& folder);
    QString root() const { return m_root; }
    void refresh();
    void openRun(const QString& folder); // reads it in a worker; runOpened follows
    void compare(const QStringList& folders);
    void setCompareMetric(const QString& metric); // val_acc, val_loss, acc, loss

    int runCount() const;
    int comparedCount() const;
    QCustomPlot* comparePlot() const { return m_plot; }

signals:
    void runOpened(const neurodx::ui::SharedRunRecord& run);
    void failed(const QString& message);

private:
    void updateComparison();

    QLabel* m_rootLabel;
    QTreeWidget* m_runs;
    QComboBox* m_metric;
    QCustomPlot* m_plot;
    JobRunner* m_jobs;
    QString m_root;
    std::vector<SharedRunRecord> m_compared;
};

} // namespace neurodx::ui
