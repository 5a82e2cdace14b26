#pragma once

#include <QString>

namespace neurodx::ui {

// The About box text: version, the library versions this build uses, the licence and the
// research-use notice.
QString aboutText();

} // namespace neurodx::ui
