#pragma once

#include <string>

namespace neurodx::cli {

// neurodx-cli's help, kept as one entry per command: `--help` prints them all, and
// `neurodx-cli COMMAND --help` prints that command's entry (with the training options for the
// commands that train), so the two can never disagree.
std::string usageText();
// Empty when `command` is not a command.
std::string commandUsage(const std::string& command);

} // namespace neurodx::cli
