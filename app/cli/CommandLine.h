#pragma once

#include "CliArguments.h"

#include <functional>
#include <string>
#include <vector>

namespace neurodx::cli {

// One option of a command, declared once: CLI11 parses and checks it from this, `COMMAND --help`
// prints it from this, and CliArguments reads its default from this.
struct OptionSpec {
    std::string name;        // without "--"
    std::string valueName;   // "N", "FILE", ...; empty for a switch
    std::string help;        // one sentence
    std::string rangeText;   // "1 to 100", "png, dicom or mixed"; empty when any value goes
    std::string defaultText; // the value used when the option is absent; empty when there is none
    // Empty when `value` is acceptable, else what is wrong with it ("must be ... , not 'x'").
    std::function<std::string(const std::string& value)> check = {};
    std::string switchNote = {}; // a switch's bracket: "off by default", ...
};

struct PositionalSpec {
    std::string name;        // "DIR", "MODEL", "FILE|DIR|SCAN..."
    std::string help;        // "the dataset folder": "missing the dataset folder" when absent
    int minCount = 1;
    int maxCount = 1;        // -1: any number
};

// A command of neurodx-cli: its arguments, options and what runs it.
struct CommandSpec {
    std::string name;
    std::string summary;                    // first line of its help and its line in the overview
    std::vector<PositionalSpec> positionals;
    std::vector<OptionSpec> options;        // its own
    std::string notes;                      // further lines of its help, may be empty
    std::vector<OptionSpec> trainingOptions; // trainingOptionSpecs() for the commands that train (help lists them apart)
    bool computes = false;                  // runs a model: warned about a slow BLAS
    int (*run)(const CliArguments& args) = nullptr;
};

// Option builders: the default and the range are stated once, here, and checked by the parser.
OptionSpec wholeOption(std::string name, std::string help, long long defaultValue, long long minimum, long long maximum);
OptionSpec numberOption(std::string name, std::string help, double defaultValue, double minimum, double maximum);
OptionSpec choiceOption(std::string name, std::string help, std::string defaultValue, std::vector<std::string> choices);
OptionSpec textOption(std::string name, std::string valueName, std::string help, std::string defaultText = {});
OptionSpec switchOption(std::string name, std::string help);

// Every command also takes --json and --quiet.
std::vector<OptionSpec> commonOptions();
// The dataset scanner's --classes and --metadata.
std::vector<OptionSpec> scanOptions();
// --precision auto|fp32|bf16 of the commands that run a model.
OptionSpec precisionOption();

// The option named `name` in `options`; std::out_of_range for a name not declared (a programming error).
const OptionSpec& findOption(const std::vector<OptionSpec>& options, const std::string& name);

// For options whose default and range depend on another option (synth without and with --scans):
// the value given, checked against `spec` (a UsageError when outside it), else spec's default.
long long integerFrom(const CliArguments& args, const OptionSpec& spec);
double numberFrom(const CliArguments& args, const OptionSpec& spec);
// Declares under one name options that two modes share: either's values pass the parser, help
// shows both ranges and defaults ("1..200 (--scans: 4..512)"), `secondMode` naming the second.
std::vector<OptionSpec> mergeModeOptions(const std::vector<OptionSpec>& first, const std::vector<OptionSpec>& second,
                                         const std::string& secondMode);

// Parses `args` (what follows the command's name) for `command` with CLI11. Throws UsageError
// naming the problem: an unknown option, a value out of its range, a missing or extra argument.
CliArguments parseCommandLine(const CommandSpec& command, const std::vector<std::string>& args);

// "Usage: neurodx-cli split [OPTIONS] DIR", the summary, then every argument and option with its
// help, range and default.
std::string commandHelp(const CommandSpec& command);
// One help line: the option column padded to 30, then the text.
std::string helpLine(const std::string& left, const std::string& text);
std::string optionHelpLine(const OptionSpec& option);

} // namespace neurodx::cli
