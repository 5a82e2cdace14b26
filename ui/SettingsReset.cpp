#include "SettingsReset.h"

#include <QSettings>

namespace neurodx::ui {

QString resetSettings()
{
    QSettings settings;
    settings.clear();
    settings.sync();
    return settings.fileName();
}

} // namespace neurodx::ui
