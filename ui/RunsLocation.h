#pragma once

#include <QString>

namespace neurodx::ui {

// Where new training runs and tuning searches go (a setting; by default the user's application
// data folder), and a fresh, sortable folder name for one.
QString runsRoot();
void setRunsRoot(const QString& folder);
QString newRunFolder(const QString& kind); // <root>/<yyyyMMdd-HHmmss>-<kind>, unique
// The model the viewer opens by itself: the one it used last (setting viewer/model) if the file
// still exists, else the newest run's best.pt in runsRoot(); empty when there is none.
QString viewerStartModel();

} // namespace neurodx::ui
