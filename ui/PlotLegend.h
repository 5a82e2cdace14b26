#pragma once

class QCustomPlot;
class QString;

namespace neurodx::ui {

// The legend in its own row above the axis rect, laid out in columns: it never hides a point, however
// the data fall (an inset legend in any corner covers some curves: ROC curves run through the lower
// right, loss curves through the upper left). Every NeuroDx plot with a legend uses this.
// `columns`: entries per row (1 for the narrow ROC and reliability plots, so names stay whole).
void placeLegendAbovePlot(QCustomPlot* plot, int columns = 2);

// An empty plot says why it is empty ("Select two or more runs to compare") instead of showing bare
// axes: the hint is shown centred in the plot with the bottom and left axes (and their grids)
// hidden; an empty `hint` brings them back. Legends are hidden while the hint shows.
void setPlotEmptyHint(QCustomPlot* plot, const QString& hint);

} // namespace neurodx::ui
