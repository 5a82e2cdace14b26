#include "PlotLegend.h"

#include <qcustomplot.h>

namespace neurodx::ui {

void placeLegendAbovePlot(QCustomPlot* plot, int columns)
{
    QCPLegend* legend = plot->legend;
    legend->setVisible(true);
    legend->setFont(QFont(plot->font().family(), 8));
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setWrap(columns);
    legend->setBorderPen(Qt::NoPen);
    legend->setBrush(Qt::NoBrush);
    legend->setMargins(QMargins(2, 0, 2, 0));
    QCPLayoutGrid* layout = plot->plotLayout();
    // Move it out of the axis rect's inset layout into a row of its own, once.
    if (legend->layout() != layout) {
        if (QCPLayout* inset = legend->layout())
            inset->take(legend);
        layout->insertRow(0);
        layout->addElement(0, 0, legend);
        layout->setRowStretchFactor(0, 0.001);
        layout->setRowSpacing(0);
    }
}

void setPlotEmptyHint(QCustomPlot* plot, const QString& hint)
{
    const QString name = QStringLiteral("emptyHint");
    QCPItemText* text = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i)
        if (plot->item(i)->objectName() == name)
            text = qobject_cast<QCPItemText*>(plot->item(i));
    if (!text) {
        text = new QCPItemText(plot);
        text->setObjectName(name);
        text->position->setType(QCPItemPosition::ptViewportRatio); // the whole plot: the axis rect of an empty plot may not be laid out
        text->position->setCoords(0.5, 0.5);
        text->setPositionAlignment(Qt::AlignCenter);
        text->setColor(QColor(90, 90, 90));
        text->setClipToAxisRect(false);
    }
    const bool empty = !hint.isEmpty();
    text->setText(hint);
    text->setVisible(empty);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        axis->setVisible(!empty);
        axis->grid()->setVisible(!empty);
    }
    plot->legend->setVisible(!empty && plot->legend->itemCount() > 0);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace neurodx::ui
