#pragma once

#include <filesystem>

namespace neurodx {

// The per-user folders NeuroDx keeps its own files in, computed without Qt so that the CLI and the
// GUI agree. Empty when the environment names no home folder (a service account, a bare
// container): callers then fall back to the working folder, never to a folder shared between users.

// Settings and the pseudonym key: $XDG_CONFIG_HOME/NeuroDx (else ~/.config/NeuroDx) on Linux,
// %APPDATA%\NeuroDx on Windows, ~/Library/Application Support/NeuroDx on macOS.
std::filesystem::path userConfigFolder();

// Runs, tuning searches and the demo data: the folder Qt's QStandardPaths::AppDataLocation gives the
// GUI (organisation and application "NeuroDx"; tst_runsroot compares them): $XDG_DATA_HOME/NeuroDx/NeuroDx
// (else ~/.local/share/NeuroDx/NeuroDx) on Linux, %APPDATA%\NeuroDx\NeuroDx on Windows,
// ~/Library/Application Support/NeuroDx/NeuroDx on macOS.
std::filesystem::path userDataFolder();

} // namespace neurodx
