#pragma once

#include <QString>

namespace neurodx::ui {

// Where new training runs and tuning searches go (a setting; by default the user's application
// data folder), and a fresh, sortable folder name for one.
QString runsRoot();
void setRunsRoot(const QString& folder);
QString newRunFolder(const QString& kind); // <root>/<yyyyMMdd-HHmmss>-<kind>, unique

} // namespace neurodx::ui
