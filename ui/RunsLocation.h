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

} // namespace neurodx::ui
