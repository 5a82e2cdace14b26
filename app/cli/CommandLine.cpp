#include "CommandLine.h"

#include "common/TextUtil.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace neurodx::cli {

namespace {

std::string numberText(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

// Every option the command accepts, in help order: its own, the training options, --json/--quiet.
std::vector<OptionSpec> acceptedOptions(const CommandSpec& command)
{
    std::vector<OptionSpec> options = command.options;
    options.insert(options.end(), command.trainingOptions.begin(), command.trainingOptions.end());
    const std::vector<OptionSpec> common = commonOptions();
    options.insert(options.end(), common.begin(), common.end());
    return options;
}

// The first "--name" that the command does not declare. Checked before CLI11 parses, so that a typo
// is named as such even when a value before it is also wrong, and a value option's value is skipped
// (a value may begin with "--").
void rejectUnknownOptions(const std::vector<OptionSpec>& options, const std::vector<std::string>& args)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--")
            return; // CLI11: everything after it is positional
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
            continue;
        const std::size_t eq = arg.find('=');
        const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        const auto option = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == name; });
        if (option == options.end())
            throw UsageError{"unknown option --" + name};
        if (!option->valueName.empty() && eq == std::string::npos)
            ++i;
    }
}

// CLI11's messages name the option first ("--seed: ..."): ours read as a sentence.
std::string sentence(std::string message)
{
    const std::size_t colon = message.find(": ");
    if (message.rfind("--", 0) != 0 || colon == std::string::npos)
        return message;
    const std::string name = message.substr(0, colon);
    const std::string rest = message.substr(colon + 2);
    return rest.rfind(name, 0) == 0 ? rest : name + " " + rest; // the training settings name themselves
}

} // namespace

OptionSpec wholeOption(std::string name, std::string help, long long defaultValue, long long minimum, long long maximum)
{
    OptionSpec o{std::move(name), "N", std::move(help), std::to_string(minimum) + ".." + std::to_string(maximum), std::to_string(defaultValue)};
    o.check = [minimum, maximum](const std::string& value) -> std::string {
        char* end = nullptr;
        const long long parsed = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || parsed < minimum || parsed > maximum)
            return "must be a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum) + ", not '" + value + "'";
        return {};
    };
    return o;
}

OptionSpec numberOption(std::string name, std::string help, double defaultValue, double minimum, double maximum)
{
    OptionSpec o{std::move(name), "X", std::move(help), numberText(minimum) + ".." + numberText(maximum), numberText(defaultValue)};
    o.check = [minimum, maximum](const std::string& value) -> std::string {
        char* end = nullptr;
        const double parsed = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(parsed >= minimum && parsed <= maximum))
            return "must be a number from " + numberText(minimum) + " to " + numberText(maximum) + ", not '" + value + "'";
        return {};
    };
    return o;
}

OptionSpec choiceOption(std::string name, std::string help, std::string defaultValue, std::vector<std::string> choices)
{
    OptionSpec o{std::move(name), "NAME", std::move(help), join(choices, "|"), std::move(defaultValue)};
    o.check = [choices](const std::string& value) -> std::string {
        if (std::find(choices.begin(), choices.end(), value) != choices.end())
            return {};
        const std::vector<std::string> first(choices.begin(), choices.end() - 1);
        return "must be " + (first.empty() ? "" : join(first, ", ") + " or ") + choices.back() + ", not '" + value + "'";
    };
    return o;
}

OptionSpec textOption(std::string name, std::string valueName, std::string help, std::string defaultText)
{
    return OptionSpec{std::move(name), std::move(valueName), std::move(help), {}, std::move(defaultText)};
}

OptionSpec switchOption(std::string name, std::string help)
{
    return OptionSpec{std::move(name), {}, std::move(help), {}, {}};
}

std::vector<OptionSpec> commonOptions()
{
    return {switchOption("json", "Print the result as JSON on stdout (errors too, as {\"error\", \"kind\"})"),
            switchOption("quiet", "No progress output")};
}

std::vector<OptionSpec> scanOptions()
{
    return {textOption("classes", "A,B,...", "The class folders to read, in label order", "CN,MCI,AD"),
            textOption("metadata", "FILE", "An ADNI collection CSV giving each image's subject, visit and group")};
}

namespace {

std::string checkedText(const CliArguments& args, const OptionSpec& spec)
{
    const auto given = args.value(spec.name);
    if (!given)
        return spec.defaultText;
    if (spec.check)
        if (const std::string problem = spec.check(*given); !problem.empty())
            throw UsageError{"--" + spec.name + " " + problem};
    return *given;
}

} // namespace

const OptionSpec& findOption(const std::vector<OptionSpec>& options, const std::string& name)
{
    const auto found = std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == name; });
    if (found == options.end())
        throw std::out_of_range("no option --" + name + " is declared");
    return *found;
}

long long integerFrom(const CliArguments& args, const OptionSpec& spec)
{
    return std::stoll(checkedText(args, spec));
}

double numberFrom(const CliArguments& args, const OptionSpec& spec)
{
    return std::stod(checkedText(args, spec));
}

std::vector<OptionSpec> mergeModeOptions(const std::vector<OptionSpec>& first, const std::vector<OptionSpec>& second,
                                         const std::string& secondMode)
{
    std::vector<OptionSpec> merged = first;
    for (const OptionSpec& other : second) {
        const auto same = std::find_if(merged.begin(), merged.end(), [&](const OptionSpec& o) { return o.name == other.name; });
        if (same == merged.end()) {
            OptionSpec only = other;
            only.help += " (" + secondMode + " only)";
            merged.push_back(only);
            continue;
        }
        if (same->rangeText != other.rangeText)
            same->rangeText += " (" + secondMode + ": " + other.rangeText + ")";
        if (same->defaultText != other.defaultText)
            same->defaultText += " (" + secondMode + ": " + other.defaultText + ")";
        same->check = [a = same->check, b = other.check](const std::string& value) -> std::string {
            const std::string problem = a ? a(value) : std::string();
            return problem.empty() || !b || b(value).empty() ? std::string() : problem;
        };
    }
    return merged;
}

OptionSpec precisionOption()
{
    return choiceOption("precision", "Inference precision; auto: bfloat16 where the CPU has AVX512-BF16, else float32", "auto",
                        {"auto", "fp32", "bf16"});
}

CliArguments parseCommandLine(const CommandSpec& command, const std::vector<std::string>& args)
{
    const std::vector<OptionSpec> options = acceptedOptions(command);
    rejectUnknownOptions(options, args);

    CLI::App app(command.summary, "neurodx-cli " + command.name);
    app.set_help_flag(); // main() prints commandHelp()
    app.allow_extras();  // reported below in our words
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);

    std::map<std::string, std::string> values;
    std::map<std::string, CLI::Option*> parsed;
    for (const OptionSpec& spec : options) {
        if (spec.valueName.empty()) {
            parsed[spec.name] = app.add_flag("--" + spec.name, spec.help);
            continue;
        }
        CLI::Option* option = app.add_option("--" + spec.name, values[spec.name], spec.help);
        if (spec.check)
            option->check(CLI::Validator([check = spec.check](std::string& value) { return check(value); }, spec.rangeText));
        parsed[spec.name] = option;
    }
    std::vector<std::vector<std::string>> positional(command.positionals.size());
    std::vector<CLI::Option*> positionalOptions;
    for (std::size_t i = 0; i < command.positionals.size(); ++i) {
        const PositionalSpec& spec = command.positionals[i];
        CLI::Option* option = app.add_option("ARG" + std::to_string(i), positional[i], spec.help);
        option->multi_option_policy(CLI::MultiOptionPolicy::Throw); // not TakeLast: a second DIR is an error
        option->allow_extra_args(spec.maxCount != 1);              // a vector would take the next positional too
        option->expected(spec.minCount, spec.maxCount < 0 ? CLI::detail::expected_max_vector_size : spec.maxCount);
        if (spec.minCount > 0)
            option->required();
        positionalOptions.push_back(option);
    }

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend()); // CLI11 takes the arguments last first
        app.parse(reversed);
    } catch (const CLI::RequiredError&) {
        for (std::size_t i = 0; i < command.positionals.size(); ++i)
            if (static_cast<int>(positional[i].size()) < command.positionals[i].minCount)
                throw UsageError{"missing " + command.positionals[i].help + " (neurodx-cli " + command.name + " " + command.positionals[i].name + ")"};
        throw UsageError{"missing an argument"};
    } catch (const CLI::ArgumentMismatch& e) {
        for (std::size_t i = 0; i < command.positionals.size(); ++i) {
            const std::vector<std::string>& given = positionalOptions[i]->results();
            const int most = command.positionals[i].maxCount;
            if (most >= 0 && given.size() > static_cast<std::size_t>(most))
                throw UsageError{"unexpected argument '" + given[static_cast<std::size_t>(most)] + "'"};
        }
        const std::string message = e.what();
        if (message.rfind("--", 0) == 0 && message.find(" missing") != std::string::npos)
            throw UsageError{message.substr(0, message.find(':')) + " needs a value"};
        throw UsageError{sentence(message)};
    } catch (const CLI::ParseError& e) {
        throw UsageError{sentence(e.what())};
    }
    std::vector<std::string> extra = app.remaining();
    extra.erase(std::remove(extra.begin(), extra.end(), "--"), extra.end()); // CLI11 keeps the marker itself among the extras
    if (!extra.empty())
        throw UsageError{extra.front().rfind("-", 0) == 0 && extra.front().size() > 1 ? "unknown option " + extra.front()
                                                                                       : "unexpected argument '" + extra.front() + "'"};

    std::vector<std::string> allPositional;
    for (const std::vector<std::string>& part : positional)
        allPositional.insert(allPositional.end(), part.begin(), part.end());
    std::set<std::string> flags;
    std::map<std::string, std::string> given;
    std::map<std::string, std::string> defaults;
    for (const OptionSpec& spec : options) {
        if (!spec.defaultText.empty())
            defaults[spec.name] = spec.defaultText;
        if (parsed[spec.name]->count() == 0)
            continue;
        if (spec.valueName.empty())
            flags.insert(spec.name);
        else
            given[spec.name] = values[spec.name];
    }
    return CliArguments(std::move(allPositional), std::move(flags), std::move(given), std::move(defaults));
}

std::string helpLine(const std::string& left, const std::string& text)
{
    constexpr std::size_t kColumn = 30;
    constexpr std::size_t kWidth = 100; // wrapped at a word, continued under the text column
    std::string line = "  " + left;
    line.resize(std::max<std::size_t>(line.size() + 1, kColumn), ' ');
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t room = kWidth > line.size() ? kWidth - line.size() : 20;
        std::size_t end = text.size();
        if (end - start > room) {
            const std::size_t space = text.rfind(' ', start + room);
            end = space != std::string::npos && space > start ? space : text.find(' ', start + room);
            if (end == std::string::npos)
                end = text.size();
        }
        out += line + text.substr(start, end - start) + "\n";
        start = end < text.size() ? end + 1 : end;
        line = std::string(kColumn, ' ');
    }
    return out.empty() ? line + "\n" : out;
}

std::string optionHelpLine(const OptionSpec& option)
{
    std::string left = "--" + option.name + (option.valueName.empty() ? "" : " " + option.valueName);
    std::string bracket;
    if (option.valueName.empty())
        bracket = option.switchNote;
    else if (!option.rangeText.empty() && !option.defaultText.empty())
        bracket = option.rangeText + "; default " + option.defaultText;
    else if (!option.rangeText.empty())
        bracket = option.rangeText;
    else if (!option.defaultText.empty())
        bracket = "default " + option.defaultText;
    return helpLine(left, option.help + (bracket.empty() ? "" : " [" + bracket + "]"));
}

std::string commandHelp(const CommandSpec& command)
{
    std::string usage = "Usage: neurodx-cli " + command.name + " [OPTIONS]";
    for (const PositionalSpec& p : command.positionals)
        usage += " " + (p.minCount == 0 ? "[" + p.name + "]" : p.name);
    std::string text = usage + "\n\n" + command.summary + "\n" + command.notes;
    if (!command.positionals.empty()) {
        text += "\nArguments:\n";
        for (const PositionalSpec& p : command.positionals)
            text += helpLine(p.name, p.help);
    }
    text += "\nOptions:\n";
    for (const OptionSpec& option : command.options)
        text += optionHelpLine(option);
    for (const OptionSpec& option : commonOptions())
        text += optionHelpLine(option);
    if (!command.trainingOptions.empty()) {
        text += "\nTraining options:\n";
        for (const OptionSpec& option : command.trainingOptions)
            text += optionHelpLine(option);
    }
    return text;
}

} // namespace neurodx::cli
