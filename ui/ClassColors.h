#pragma once

#include <QColor>

namespace neurodx::ui {

// One colour per class label, used by every chart and table in the app. Okabe-Ito's palette,
// distinguishable with the common colour-vision deficiencies: CN blue, MCI orange, AD vermillion.
QColor classColor(int label);

} // namespace neurodx::ui
