#include "MetricsTable.h"

#include "ClassColors.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace neurodx::ui {

QString withInterval(double value, const std::optional<Interval>& interval)
{
    const QString v = QString::number(value, 'f', 3);
    return interval ? QStringLiteral("%1 [%2, %3]").arg(v, QString::number(interval->low, 'f', 3), QString::number(interval->high, 'f', 3)) : v;
}

MetricsTable::MetricsTable(QWidget* parent) : QWidget(parent), m_summary(new QLabel), m_table(new QTableWidget(0, 7))
{
    setObjectName(QStringLiteral("metricsTable"));
    m_summary->setObjectName(QStringLiteral("metricsSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table->setHorizontalHeaderLabels({tr("Class"), tr("Precision"), tr("Recall (sensitivity)"), tr("Specificity"), tr("F1"), tr("Support"), tr("AUC")});
    // Every column as wide as its figures with their intervals: one line each, a scroll bar if narrow.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setToolTip(tr("One-vs-rest figures per class; brackets: 95% percentile-bootstrap intervals (1,000 resamples)"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table, 1);
}

void MetricsTable::setMetrics(const ClassificationMetrics& m, const QStringList& classNames, const QString& level)
{
    m_summary->setText(tr("<b>%1</b>, n = %L2<br>accuracy %3 &nbsp; balanced accuracy %4<br>macro-F1 %5 &nbsp; MCC %6 &nbsp; macro AUC %7")
                           .arg(level)
                           .arg(static_cast<qulonglong>(m.count))
                           .arg(withInterval(m.accuracy, m.accuracyCi), withInterval(m.balancedAccuracy, m.balancedAccuracyCi),
                                withInterval(m.macroF1, m.macroF1Ci), withInterval(m.mcc, m.mccCi),
                                m.macroAuc ? withInterval(*m.macroAuc, m.macroAucCi) : tr("n/a")));
    m_table->setRowCount(static_cast<int>(m.perClass.size()));
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ClassMetrics& k = m.perClass[c];
        const int row = static_cast<int>(c);
        const auto ci = [&](const std::vector<std::optional<Interval>>& cis) { return c < cis.size() ? cis[c] : std::nullopt; };
        auto* name = new QTableWidgetItem(classNames.value(row));
        name->setForeground(classColor(row));
        m_table->setItem(row, 0, name);
        m_table->setItem(row, 1, new QTableWidgetItem(withInterval(k.precision, ci(m.precisionCi))));
        m_table->setItem(row, 2, new QTableWidgetItem(withInterval(k.recall, ci(m.recallCi))));
        m_table->setItem(row, 3, new QTableWidgetItem(QString::number(k.specificity, 'f', 3)));
        m_table->setItem(row, 4, new QTableWidgetItem(withInterval(k.f1, ci(m.f1Ci))));
        m_table->setItem(row, 5, new QTableWidgetItem(QString::number(k.support)));
        m_table->setItem(row, 6, new QTableWidgetItem(k.auc ? withInterval(*k.auc, ci(m.aucCi)) : tr("n/a")));
    }
}

void MetricsTable::clear()
{
    m_summary->clear();
    m_table->setRowCount(0);
}

QString MetricsTable::summaryText() const
{
    return m_summary->text();
}

} // namespace neurodx::ui
