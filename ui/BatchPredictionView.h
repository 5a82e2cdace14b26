#pragma once

#include "inference/SliceClassifier.h"

#include <QMetaType>
#include <QWidget>

#include <memory>

class QLabel;
class QTableWidget;

namespace neurodx::ui {

class JobRunner;

using SharedPredictions = std::shared_ptr<const std::vector<Prediction>>;

// A folder predicted in a worker: a sortable table (file, class, confidence, probabilities, errors
// for unreadable files), CSV export; double-clicking a row opens its slice.
class BatchPredictionView final : public QWidget {
    Q_OBJECT
public:
    explicit BatchPredictionView(QWidget* parent = nullptr);
    ~BatchPredictionView() override;

    void predictFolder(std::shared_ptr<SliceClassifier> classifier, const QString& folder);
    void cancelAndWait();
    bool isBusy() const;
    bool exportCsv(const QString& file, QString* error = nullptr) const;

    QTableWidget* table() const { return m_table; }
    SharedPredictions predictions() const { return m_predictions; }

signals:
    void fileActivated(const QString& file);
    void finished(int files);
    void statusMessage(const QString& message);

private:
    void showPredictions(const SharedPredictions& predictions);

    QLabel* m_title;
    QTableWidget* m_table;
    JobRunner* m_jobs;
    SharedPredictions m_predictions;
    std::vector<std::string> m_classNames;
};

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedPredictions)
