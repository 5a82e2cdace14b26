#pragma once

#include "EngineTypes.h"

#include "training/TrainingConfig.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QCustomPlot;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace neurodx::ui {

class JobRunner;

// Hyperparameter search and the leakage audit. Start, stop and resume (same folder: finished
// trials are not repeated) a Hyperband or random search; the trial table fills as trials end; a
// best-so-far curve; "Use best" hands the winner to the training page. The audit trains the same
// model three ways and shows the three accuracies side by side with what they mean.
class TuningPage final : public QWidget {
    Q_OBJECT
public:
    explicit TuningPage(QWidget* parent = nullptr);
    ~TuningPage() override;

    // Cancels a running job and waits for it (closing the window).
    void cancelAndWait();

    void setDatasetFolder(const QString& folder);
    // The base configuration trials and the audit start from (the training page's settings).
    void setBaseConfigProvider(std::function<TrainingConfig()> provider) { m_baseConfig = std::move(provider); }

    void startSearch(const QString& folder = QString()); // empty: a new folder under the runs root
    void stopSearch();                                  // non-blocking; finished follows
    void startAudit();
    bool isBusy() const;

    // Search settings (also for tests).
    void setStrategy(bool hyperband);
    void setMaxEpochs(int epochs);
    void setMaxTrials(int trials);
    void setSearchSpace(const QString& definitions);

    QTableWidget* trialTable() const { return m_trials; }
    QString searchFolder() const { return m_folder; }
    const std::vector<TrialRecord>& trials() const { return m_trialRecords; }
    int bestTrial() const;
    SharedAudit auditResult() const { return m_auditResult; }

signals:
    void useHyperparameters(const neurodx::HyperparameterValues& values);
    void searchFinished(const QString& folder, bool cancelled);
    void auditFinished();
    void failed(const QString& message);
    void statusMessage(const QString& message);

private:
    QWidget* createSearchBox();
    QWidget* createAuditBox();
    void addTrial(const TrialRecord& trial);
    void updateBestCurve();
    void showAudit(const SharedAudit& audit);
    void setBusy(bool busy);
    TrainingJobConfig baseJob() const;

    QComboBox* m_strategy;
    QSpinBox* m_maxEpochs;
    QSpinBox* m_factor;
    QSpinBox* m_maxTrials;
    QComboBox* m_objective;
    QPlainTextEdit* m_space;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_resume;
    QPushButton* m_useBest;
    QPushButton* m_audit;
    QLabel* m_status;
    QTableWidget* m_trials;
    QCustomPlot* m_bestPlot;
    QLabel* m_auditArms[3];
    QLabel* m_auditVerdict;
    JobRunner* m_jobs;
    QString m_datasetFolder;
    QString m_folder;
    std::vector<TrialRecord> m_trialRecords;
    std::function<TrainingConfig()> m_baseConfig;
    SharedAudit m_auditResult;
    QString m_objectiveName;
};

} // namespace neurodx::ui
