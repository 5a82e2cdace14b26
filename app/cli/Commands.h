#pragma once

#include "CommandLine.h"

#include <vector>

namespace neurodx::cli {

// Each command declares its arguments and options and the function that runs it on the parsed
// command line. A run function returns the process exit code: 0 success, 1 failure, 2 bad usage or
// unreadable input. Errors are thrown (NeuroDxError, UsageError) and turned into messages and exit
// codes by main().
CommandSpec scanCommand();
CommandSpec splitCommand();
CommandSpec infoCommand();
CommandSpec synthCommand();
CommandSpec importCommand();
CommandSpec importModelCommand();
CommandSpec demoCommand();
CommandSpec trainCommand();
CommandSpec evaluateCommand();
CommandSpec predictCommand();
CommandSpec tuneCommand();
CommandSpec crossValidateCommand();
CommandSpec auditCommand();

// All of them, in the order help lists them.
const std::vector<CommandSpec>& commands();
// nullptr when `name` is not a command.
const CommandSpec* findCommand(const std::string& name);

} // namespace neurodx::cli
