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

std::vector<OptionSpec> trainingOptionSpecs(const TrainingConfig& defaults)
{
    std::vector<OptionSpec> options;
    for (const TrainingSetting& setting : trainingSettings()) {
        if (setting.cliFlag.empty())
            continue;
        OptionSpec option{optionName(setting), {}, setting.help, {}, {}};
        if (setting.kind == SettingKind::Switch) {
            option.switchNote = setting.flagSets ? "off by default" : "on by default; this flag switches it off";
        } else {
            option.valueName = setting.kind == SettingKind::Integer ? "N" : setting.kind == SettingKind::Real ? "X" : "NAME";
            option.rangeText = settingRangeText(setting);
            option.defaultText = settingValueText(setting.get(defaults));
            option.check = [&setting](const std::string& value) -> std::string {
                try {
                    parseSettingValue(setting, value);
                    return {};
                } catch (const NeuroDxError& e) {
                    return e.what();
                }
            };
        }
        options.push_back(std::move(option));
    }
    options.push_back(textOption("ratios", "A,B,C", "Train, validation and test shares of the subjects (or slices)",
                                 ratiosText(defaults.split.ratios)));
    options.push_back(textOption("hyperparameters", "FILE", "Start from a search's best_hyperparameters.json; options given beside it win"));
    return options;
}

std::string trainingOptionsHelp()
{
    std::string text;
    for (const OptionSpec& option : trainingOptionSpecs())
        text += optionHelpLine(option);
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
