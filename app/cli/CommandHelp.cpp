#include "CommandHelp.h"

#include "Commands.h"

namespace neurodx::cli {

namespace {

const char* const kFooter =
    "Every command takes --json for machine-readable output and --quiet to hide progress.\n"
    "Given no output folder, train, tune, cv and audit write a new folder <time>-<kind> in the runs folder\n"
    "the GUI lists ($NEURODX_RUNS_DIR, else the per-user data folder); a run folder serves as its best.pt.\n"
    "Exit codes: 0 success, 1 failure, 2 bad usage or unreadable input.\n"
    "\n"
    "NeuroDx is research software, not a certified medical device.\n";

} // namespace

const std::vector<CommandSpec>& commands()
{
    static const std::vector<CommandSpec> all{scanCommand(),   splitCommand(),    infoCommand(),   synthCommand(), importCommand(),
                                              importModelCommand(), trainCommand(), evaluateCommand(), predictCommand(), tuneCommand(),
                                              crossValidateCommand(), auditCommand(), demoCommand()};
    return all;
}

const CommandSpec* findCommand(const std::string& name)
{
    for (const CommandSpec& command : commands())
        if (command.name == name)
            return &command;
    return nullptr;
}

std::string usageText()
{
    std::string text = "Usage: neurodx-cli COMMAND [OPTIONS]   (neurodx-cli COMMAND --help: its arguments and options)\n\nCommands:\n";
    for (const CommandSpec& command : commands()) {
        std::string synopsis = command.name;
        for (const PositionalSpec& p : command.positionals)
            synopsis += " " + p.name;
        const std::string summary = command.summary.substr(0, command.summary.find('\n'));
        text += helpLine(synopsis, summary);
    }
    // The training options are the same for every command that trains: listed once here.
    text += "\nTraining options (train, tune, cv, audit, demo):\n";
    for (const OptionSpec& option : findCommand("train")->trainingOptions)
        text += optionHelpLine(option);
    return text + "\n" + kFooter;
}

std::string commandUsage(const std::string& command)
{
    const CommandSpec* spec = findCommand(command);
    return spec ? commandHelp(*spec) + "\n" + kFooter : std::string();
}

} // namespace neurodx::cli
