#pragma once

#include "evaluation/Metrics.h"

#include <QWidget>

class QLabel;
class QTableWidget;

namespace neurodx::ui {

// The figures of one evaluation: a summary line (accuracy, balanced accuracy, macro-F1, MCC, AUC,
// each with its 95% bootstrap interval) and a per-class table (precision, recall = sensitivity,
// specificity, F1, support, one-vs-rest AUC).
class MetricsTable final : public QWidget {
    Q_OBJECT
public:
    explicit MetricsTable(QWidget* parent = nullptr);

    void setMetrics(const ClassificationMetrics& metrics, const QStringList& classNames, const QString& level);
    void clear();
    QString summaryText() const;
    QTableWidget* table() const { return m_table; }

private:
    QLabel* m_summary;
    QTableWidget* m_table;
};

QString withInterval(double value, const std::optional<Interval>& interval);

} // namespace neurodx::ui
