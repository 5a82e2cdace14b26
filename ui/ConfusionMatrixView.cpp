#include "ConfusionMatrixView.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

#include <numeric>

namespace neurodx::ui {

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot)
{
    setObjectName(QStringLiteral("confusionMatrix"));
    m_plot->setObjectName(QStringLiteral("confusionPlot"));
    m_plot->setMinimumSize(280, 260);
    m_plot->setToolTip(tr("Rows: true class; columns: predicted class. Each cell: count and share of its row."));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->xAxis->setLabel(tr("predicted"));
    m_plot->yAxis->setLabel(tr("true"));
    m_plot->yAxis->setRangeReversed(true); // first class on top, as confusion matrices are read
    m_plot->xAxis->grid()->setVisible(false);
    m_plot->yAxis->grid()->setVisible(false);
}

void ConfusionMatrixView::setMatrix(const std::vector<std::vector<std::size_t>>& confusion, const QStringList& classNames)
{
    m_counts = confusion;
    m_classNames = classNames;
    rebuild();
}

void ConfusionMatrixView::setNormalised(bool normalised)
{
    m_normalised = normalised;
    rebuild();
}

void ConfusionMatrixView::clear()
{
    m_counts.clear();
    m_classNames.clear();
    rebuild();
}

std::size_t ConfusionMatrixView::count(int trueClass, int predictedClass) const
{
    return m_counts.at(static_cast<std::size_t>(trueClass)).at(static_cast<std::size_t>(predictedClass));
}

double ConfusionMatrixView::cellColourValue(int trueClass, int predictedClass) const
{
    return m_map ? m_map->data()->cell(predictedClass, trueClass) : 0.0;
}

QString ConfusionMatrixView::cellText(int trueClass, int predictedClass) const
{
    const int n = classCount();
    return m_labels.at(static_cast<std::size_t>(trueClass * n + predictedClass))->text();
}

void ConfusionMatrixView::rebuild()
{
    m_plot->clearPlottables();
    for (QCPItemText* label : m_labels)
        m_plot->removeItem(label);
    m_labels.clear();
    m_map = nullptr;
    const int n = classCount();
    if (n == 0) {
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->data()->setSize(n, n);
    m_map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    for (int c = 0; c < n; ++c)
        ticker->addTick(c, m_classNames.value(c));
    m_plot->xAxis->setTicker(ticker);
    m_plot->yAxis->setTicker(ticker);
    for (int t = 0; t < n; ++t) {
        const auto& row = m_counts[static_cast<std::size_t>(t)];
        const double rowTotal = static_cast<double>(std::accumulate(row.begin(), row.end(), std::size_t{0}));
        for (int p = 0; p < n; ++p) {
            const double share = rowTotal > 0 ? static_cast<double>(row[static_cast<std::size_t>(p)]) / rowTotal : 0.0;
            m_map->data()->setCell(p, t, share);
            auto* label = new QCPItemText(m_plot);
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(p, t);
            const QString count = QLocale().toString(static_cast<qulonglong>(row[static_cast<std::size_t>(p)]));
            const QString percent = QStringLiteral("%1%").arg(share * 100.0, 0, 'f', 1);
            label->setText(m_normalised ? percent + QStringLiteral("\n(") + count + QLatin1Char(')') : count + QStringLiteral("\n") + percent);
            label->setTextAlignment(Qt::AlignCenter);
            QFont font = m_plot->font();
            font.setBold(p == t);
            label->setFont(font);
            label->setColor(share > 0.55 ? Qt::white : Qt::black);
            m_labels.push_back(label);
        }
    }
    QCPColorGradient gradient(QCPColorGradient::gpGrayscale);
    gradient.clearColorStops();
    gradient.setColorStopAt(0.0, QColor(247, 251, 255));
    gradient.setColorStopAt(0.5, QColor(107, 174, 214));
    gradient.setColorStopAt(1.0, QColor(8, 48, 107));
    m_map->setGradient(gradient);
    m_map->setDataRange(QCPRange(0, 1));
    m_map->setInterpolate(false);
    m_plot->xAxis->setRange(-0.5, n - 0.5);
    m_plot->yAxis->setRange(-0.5, n - 0.5);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace neurodx::ui
