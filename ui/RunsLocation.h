#pragma once

#include <QString>

namespace neurodx::ui {

// Where new training runs and tuning searches go and where the Runs page looks: the folder the user
// chose there (setting runs/root), else the root the CLI writes to as well (defaultRunsRoot()).
QString runsRoot();
void setRunsRoot(const QString& folder);
// A new, empty run folder <root>/<yyyyMMdd-HHmmss>-<kind>, named as the CLI names its runs
// (createRunFolder). Throws NeuroDxError when it cannot be created.
QString newRunFolder(const QString& kind);
// The model the viewer opens by itself: the one the user chose last (setting viewer/model; a
// finished training's best.pt counts as chosen) if the file still exists, else none. Never a run
// the user did not pick: the newest run may well be a chance-level one.
QString viewerStartModel();

} // namespace neurodx::ui
