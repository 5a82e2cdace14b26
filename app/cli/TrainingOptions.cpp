#include "TrainingOptions.h"

#include "evaluation/RunFolder.h"

#include "ModelSpec.h"
#include "CommandContext.h"

#include "common/JsonFile.h"
#include "training/TrainingSettings.h"
#include "common/NeuroDxError.h"
#include "tuning/TuningJob.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>


namespace neurodx::cli {

namespace {

std::string optionName(const TrainingSetting& setting)
{
    return setting.cliFlag.substr(2); // "--epochs" -> "epochs", as CliArguments names options
}

void applyOption(const CliArguments& args, const TrainingSetting& setting, TrainingConfig& c)
{
    if (setting.kind == SettingKind::Switch) {
        if (args.flag(optionName(setting)))
            setting.set(c, setting.flagSets);
        return;
    }
    const auto text = args.value(optionName(setting));
    if (!text)
        return;
    try {
        setting.set(c, parseSettingValue(setting, *text));
    } catch (const NeuroDxError& e) {
        throw UsageError{e.what()};
    }
}

} // namespace

std::set<std::string> trainingValueOptions()
{
    std::set<std::string> names{"hyperparameters", "ratios"};
    for (const TrainingSetting& setting : trainingSettings())
        if (!setting.cliFlag.empty() && setting.kind != SettingKind::Switch)
            names.insert(optionName(setting));
    return names;
}

std::set<std::string> trainingFlagOptions()
{
    std::set<std::string> names;
    for (const TrainingSetting& setting : trainingSettings())
        if (!setting.cliFlag.empty() && setting.kind == SettingKind::Switch)
            names.insert(optionName(setting));
    return names;
}

TrainingConfig trainingConfigFrom(const CliArguments& args, TrainingConfig c)
{
    // --model first: a hyperparameter file then turns a preset into "cnn" with the searched sizes,
    // as a search's printed command expects, instead of the preset resetting them afterwards.
    const TrainingSetting& model = trainingSetting("model");
    applyOption(args, model, c);
    if (const auto file = args.value("hyperparameters")) {
        // best_hyperparameters.json from `neurodx-cli tune`, or a bare {"filters1": 16, ...} object.
        const nlohmann::json j = readJsonFile(*file);
        try {
            applyHyperparameters(c, j.contains("hyperparameters") ? j.at("hyperparameters") : j);
            // The search's image size, channels, augmentation...; options given here still win (below).
            if (j.contains("settings"))
                applyTunedSettings(c, j.at("settings"));
        } catch (const nlohmann::json::exception& e) {
            throw NeuroDxError(ErrorKind::CorruptFile, *file, std::string("not a hyperparameter file: ") + e.what());
        }
    }
    // Each other option as its declaration says (TrainingSettings); a flag only sets what it names,
    // so a setting from --hyperparameters' file stays unless an option overrides it.
    for (const TrainingSetting& setting : trainingSettings())
        if (!setting.cliFlag.empty() && &setting != &model)
            applyOption(args, setting, c);
    c.split.ratios = splitRatiosFrom(args, c.split.ratios);
    return c;
}

std::string trainingOptionsHelp()
{
    const auto line = [](std::string option, const std::string& detail) {
        option = "  " + option;
        option.resize(std::max<std::size_t>(option.size() + 1, 30), ' ');
        return option + detail + "\n";
    };
    std::string text;
    for (const TrainingSetting& setting : trainingSettings()) {
        if (setting.cliFlag.empty())
            continue;
        const std::string defaultText = settingValueText(defaultValue(setting));
        switch (setting.kind) {
        case SettingKind::Integer:
        case SettingKind::Real:
            text += line(setting.cliFlag + (setting.kind == SettingKind::Integer ? " N" : " X"),
                         setting.help + " [" + settingRangeText(setting) + "; default " + defaultText + "]");
            break;
        case SettingKind::Choice:
            text += line(setting.cliFlag + " NAME", setting.help + " [" + settingRangeText(setting) + "; default " + defaultText + "]");
            break;
        case SettingKind::Switch:
            text += line(setting.cliFlag, setting.help + (setting.flagSets ? " [off by default]" : " [on by default; this flag switches it off]"));
            break;
        }
    }
    const auto ratios = TrainingConfig{}.split.ratios;
    char defaults[64];
    std::snprintf(defaults, sizeof defaults, "%g,%g,%g", ratios[0], ratios[1], ratios[2]);
    text += line("--ratios A,B,C", "Train, validation and test shares of the subjects (or slices) [default " + std::string(defaults) + "]");
    text += line("--hyperparameters FILE", "Start from a search's best_hyperparameters.json; options given beside it win");
    return text;
}

OutputFolder::OutputFolder(const CliArguments& args, const std::string& kind)
{
    if (const auto output = args.value("output")) {
        m_path = *output;
        return;
    }
    m_path = createRunFolder(defaultRunsRoot(), kind);
    m_created = true;
}

OutputFolder::~OutputFolder()
{
    std::error_code ec;
    if (m_created && std::filesystem::is_empty(m_path, ec) && !ec)
        std::filesystem::remove(m_path, ec);
}

} // namespace neurodx::cli
