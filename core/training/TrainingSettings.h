#pragma once

#include "TrainingConfig.h"

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The one declaration of every training setting a user chooses: its name, type, default, range, help
// text, command-line flag, form label, persisted key and config.json key. The CLI parses and documents
// the training options from these, the GUI form takes its ranges, labels and tooltips from them,
// validate() checks them and the form persists them under their keys: no front end keeps a range or
// a default of its own (tst_trainingsettings compares them all).
namespace neurodx {

enum class SettingKind {
    Integer,
    Real,
    Switch, // a yes/no choice; on the command line a flag that sets `flagSets`
    Choice, // one of `choices`
};

using SettingValue = std::variant<bool, long long, double, std::string>;

struct TrainingSetting {
    std::string name;      // identifier: the persisted key is "training/<name>"
    SettingKind kind = SettingKind::Integer;
    std::string cliFlag;   // "--epochs"; empty when the command line does not offer it
    std::string formLabel; // what the training form calls it; empty when the form does not show it
    std::string help;      // one sentence: `--help` and the form's tooltip
    std::string jsonKey;   // its place in a run's config.json, e.g. "early_stopping/patience"
    double minimum = 0;    // Integer, Real: inclusive range
    double maximum = 0;
    std::vector<std::string> choices; // Choice
    bool flagSets = true;             // Switch: the value the command-line flag gives
    std::string rule;                 // a constraint besides the range, in words ("divisible by 4")
    std::function<SettingValue(const TrainingConfig&)> get;
    std::function<void(TrainingConfig&, const SettingValue&)> set;
    std::function<bool(const SettingValue&)> satisfiesRule; // set when `rule` is

    std::string persistedKey() const { return "training/" + name; }
};

// In the order the CLI's help lists them.
const std::vector<TrainingSetting>& trainingSettings();
// The declaration named `name`; std::out_of_range for a name no declaration has (a programming error).
const TrainingSetting& trainingSetting(std::string_view name);

// A setting's value in a default TrainingConfig: the one place defaults are defined.
SettingValue defaultValue(const TrainingSetting& setting);

// Empty when `value` is of the setting's type, in its range and satisfies its rule; otherwise what is
// wrong, starting with `who` (else the setting's name): "epochs must be 1..10000, not 0".
std::string checkSettingValue(const TrainingSetting& setting, const SettingValue& value, const std::string& who = {});

// Text as typed on the command line or kept in QSettings -> a value of the setting's type. Throws
// NeuroDxError(InvalidArgument) with checkSettingValue's words, naming the CLI flag, when the text is
// no such value.
SettingValue parseSettingValue(const TrainingSetting& setting, const std::string& text);
std::string settingValueText(const SettingValue& value);

// "1..100000", "0..0.99", "vanilla|tuned|cnn|resnet50v2", plus the rule: for help texts.
std::string settingRangeText(const TrainingSetting& setting);

// The built-in demo's settings (neurodx-cli demo, the GUI's demo dataset): the seed's tuned CNN on
// 128 px phantoms, 12 epochs, patience 4, sized to finish in about a minute on two cores.
TrainingConfig demoTrainingConfig();

} // namespace neurodx
