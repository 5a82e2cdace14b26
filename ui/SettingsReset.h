#pragma once

#include <QString>

namespace neurodx::ui {

// `neurodx --reset-settings`: forgets every choice the GUI remembers (window layout, training form,
// recent files, runs folder, viewer model) and returns the settings file it emptied. Runs, models
// and datasets are files of the user's and stay where they are.
QString resetSettings();

} // namespace neurodx::ui
