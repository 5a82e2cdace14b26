#include "TrainingSettings.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace neurodx {

namespace {

std::string numberText(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

// Builders: one line per setting below stays readable.
TrainingSetting declaration(SettingKind kind, std::string name, std::string flag, std::string label, std::string help, std::string key)
{
    TrainingSetting s;
    s.name = std::move(name);
    s.kind = kind;
    s.cliFlag = std::move(flag);
    s.formLabel = std::move(label);
    s.help = std::move(help);
    s.jsonKey = std::move(key);
    return s;
}

TrainingSetting integer(std::string name, std::string flag, std::string label, std::string help, std::string key, long long low, long long high,
                        std::function<long long(const TrainingConfig&)> get, std::function<void(TrainingConfig&, long long)> set)
{
    TrainingSetting s = declaration(SettingKind::Integer, std::move(name), std::move(flag), std::move(label), std::move(help), std::move(key));
    s.minimum = static_cast<double>(low);
    s.maximum = static_cast<double>(high);
    s.get = [get](const TrainingConfig& c) { return SettingValue(get(c)); };
    s.set = [set](TrainingConfig& c, const SettingValue& v) { set(c, std::get<long long>(v)); };
    return s;
}

TrainingSetting real(std::string name, std::string flag, std::string label, std::string help, std::string key, double low, double high,
                     std::function<double(const TrainingConfig&)> get, std::function<void(TrainingConfig&, double)> set)
{
    TrainingSetting s = declaration(SettingKind::Real, std::move(name), std::move(flag), std::move(label), std::move(help), std::move(key));
    s.minimum = low;
    s.maximum = high;
    s.get = [get](const TrainingConfig& c) { return SettingValue(get(c)); };
    s.set = [set](TrainingConfig& c, const SettingValue& v) { set(c, std::get<double>(v)); };
    return s;
}

TrainingSetting yesNo(std::string name, std::string flag, bool flagSets, std::string label, std::string help, std::string key,
                      std::function<bool(const TrainingConfig&)> get, std::function<void(TrainingConfig&, bool)> set)
{
    TrainingSetting s = declaration(SettingKind::Switch, std::move(name), std::move(flag), std::move(label), std::move(help), std::move(key));
    s.flagSets = flagSets;
    s.get = [get](const TrainingConfig& c) { return SettingValue(get(c)); };
    s.set = [set](TrainingConfig& c, const SettingValue& v) { set(c, std::get<bool>(v)); };
    return s;
}

TrainingSetting choice(std::string name, std::string flag, std::string label, std::string help, std::string key, std::vector<std::string> choices,
                       std::function<std::string(const TrainingConfig&)> get, std::function<void(TrainingConfig&, const std::string&)> set)
{
    TrainingSetting s = declaration(SettingKind::Choice, std::move(name), std::move(flag), std::move(label), std::move(help), std::move(key));
    s.choices = std::move(choices);
    s.get = [get](const TrainingConfig& c) { return SettingValue(get(c)); };
    s.set = [set](TrainingConfig& c, const SettingValue& v) { set(c, std::get<std::string>(v)); };
    return s;
}

std::vector<std::string> architectureNames()
{
    std::vector<std::string> names;
    for (const ModelArchitecture& a : modelArchitectures())
        names.push_back(a.name);
    return names;
}

std::vector<TrainingSetting> declareSettings()
{
    using C = TrainingConfig;
    std::vector<TrainingSetting> s;
    s.push_back(choice("model", "--model", "Architecture",
                       "vanilla and tuned: the seed's CNNs; cnn: your own filters and units; resnet50v2: the transfer model", "model/architecture",
                       architectureNames(), [](const C& c) { return std::string(architectureName(c.model.architecture)); }, [](C& c, const std::string& v) {
                           c.model.architecture = architectureFromName(v);
                           // A preset's fixed sizes, so that config.json says what is trained (options after it may still set them).
                           CnnSizes preset;
                           if (cnnPresetSizes(c.model.architecture, preset)) {
                               c.model.filters1 = preset.filters1;
                               c.model.filters2 = preset.filters2;
                               c.model.hiddenUnits = preset.hiddenUnits;
                           }
                       }));
    s.push_back(integer("filters1", "--filters1", "Filters 1", "Filters of the first convolution (custom CNN)", "model/filters1", 1, 1024,
                        [](const C& c) { return c.model.filters1; }, [](C& c, long long v) { c.model.filters1 = static_cast<int>(v); }));
    s.push_back(integer("filters2", "--filters2", "Filters 2", "Filters of the second convolution (custom CNN)", "model/filters2", 1, 1024,
                        [](const C& c) { return c.model.filters2; }, [](C& c, long long v) { c.model.filters2 = static_cast<int>(v); }));
    s.push_back(integer("units", "--units", "Dense units", "Units of the hidden dense layer (custom CNN)", "model/hidden_units", 1, 65536,
                        [](const C& c) { return c.model.hiddenUnits; }, [](C& c, long long v) { c.model.hiddenUnits = static_cast<int>(v); }));
    s.push_back(real("dropout", "--dropout", "Dropout", "Dropout after the hidden dense layer (CNNs)", "model/dropout", 0.0, 0.99,
                     [](const C& c) { return c.model.dropout; }, [](C& c, double v) { c.model.dropout = v; }));
    s.push_back(yesNo("freeze-backbone", "--freeze-backbone", true, "Freeze backbone",
                      "ResNet50V2: keep the backbone fixed and train the head only, as the seed's transfer model did; needs weights to start from",
                      "model/freeze_backbone", [](const C& c) { return c.model.freezeBackbone; }, [](C& c, bool v) { c.model.freezeBackbone = v; }));
    TrainingSetting size = integer("image-size", "--image-size", "Image size", "Slices are resized to this square side in pixels (the seed: 256)",
                                   "input/size", 16, 1024, [](const C& c) { return c.input.size; },
                                   [](C& c, long long v) { c.input.size = c.model.imageSize = static_cast<int>(v); });
    size.rule = "divisible by 4"; // two 2x2 poolings
    size.satisfiesRule = [](const SettingValue& v) { return std::get<long long>(v) % 4 == 0; };
    s.push_back(size);
    TrainingSetting channels = integer("channels", "--channels", "Channels", "1: grey; 3: grey copied three times, for ImageNet-style weights",
                                       "input/channels", 1, 3, [](const C& c) { return c.input.channels; },
                                       [](C& c, long long v) { c.input.channels = c.model.inputChannels = static_cast<int>(v); });
    channels.rule = "1 or 3";
    channels.satisfiesRule = [](const SettingValue& v) { return std::get<long long>(v) != 2; };
    s.push_back(channels);
    s.push_back(integer("epochs", "--epochs", "Epochs", "Maximum number of epochs (early stopping may end sooner)", "epochs", 1, 100000,
                        [](const C& c) { return c.epochs; }, [](C& c, long long v) { c.epochs = static_cast<int>(v); }));
    s.push_back(integer("batch-size", "--batch-size", "Batch size", "Slices per batch (the seed: 32)", "batch_size", 1, 4096,
                        [](const C& c) { return c.batchSize; }, [](C& c, long long v) { c.batchSize = static_cast<int>(v); }));
    s.push_back(real("learning-rate", "--learning-rate", "Learning rate", "Adam's learning rate (Keras' default 0.001)", "learning_rate", 1e-9, 9.99,
                     [](const C& c) { return c.learningRate; }, [](C& c, double v) { c.learningRate = v; }));
    s.push_back(yesNo("early-stopping", "--no-early-stopping", false, "Early stopping",
                      "Stop when the monitored metric has not improved for 'patience' epochs, and restore the best weights", "early_stopping/enabled",
                      [](const C& c) { return c.earlyStopping.enabled; }, [](C& c, bool v) { c.earlyStopping.enabled = v; }));
    s.push_back(choice("monitor", "--monitor", "Monitor", "The metric early stopping watches", "early_stopping/monitor",
                       metricNames(), [](const C& c) { return std::string(metricName(c.earlyStopping.monitor)); },
                       [](C& c, const std::string& v) { c.earlyStopping.monitor = metricFromName(v); }));
    s.push_back(integer("patience", "--patience", "Patience", "Epochs without improvement before early stopping ends the run", "early_stopping/patience",
                        0, 100000, [](const C& c) { return c.earlyStopping.patience; },
                        [](C& c, long long v) { c.earlyStopping.patience = static_cast<int>(v); }));
    s.push_back(real("min-delta", "--min-delta", "", "The smallest change of the monitored metric that counts as an improvement",
                     "early_stopping/min_delta", 0.0, 1e9, [](const C& c) { return c.earlyStopping.minDelta; },
                     [](C& c, double v) { c.earlyStopping.minDelta = v; }));
    s.push_back(yesNo("reduce-lr", "--reduce-lr", true, "Reduce learning rate on plateau",
                      "Divide the learning rate by 10 when the validation loss stalls for 3 epochs (Keras' ReduceLROnPlateau)", "reduce_lr/enabled",
                      [](const C& c) { return c.reduceLr.enabled; }, [](C& c, bool v) { c.reduceLr.enabled = v; }));
    s.push_back(yesNo("augment", "--no-augment", false, "Augmentation", "Random flips and rotations of training slices (never of validation or test)",
                      "augment", [](const C& c) { return c.augment; }, [](C& c, bool v) { c.augment = v; }));
    s.push_back(yesNo("horizontal-flip", "--no-horizontal-flip", false, "Horizontal flip", "Augmentation mirrors slices left-right at random",
                      "augmentation/horizontal_flip", [](const C& c) { return c.augmentation.horizontalFlip; },
                      [](C& c, bool v) { c.augmentation.horizontalFlip = v; }));
    s.push_back(yesNo("vertical-flip", "--no-vertical-flip", false, "Vertical flip", "Augmentation mirrors slices top-bottom at random (the seed did)",
                      "augmentation/vertical_flip", [](const C& c) { return c.augmentation.verticalFlip; },
                      [](C& c, bool v) { c.augmentation.verticalFlip = v; }));
    s.push_back(real("rotation", "--rotation", "Rotation", "Largest random rotation in degrees (the seed's RandomRotation(0.1) = 36)",
                     "augmentation/max_rotation_degrees", 0.0, 180.0, [](const C& c) { return c.augmentation.maxRotationDegrees; },
                     [](C& c, double v) { c.augmentation.maxRotationDegrees = v; }));
    s.push_back(choice("class-weights", "--class-weights", "Class weights",
                       "balanced: weigh the loss by inverse class frequency (Keras' class_weight='balanced')", "balanced_class_weights",
                       {"none", "balanced"}, [](const C& c) { return std::string(c.balancedClassWeights ? "balanced" : "none"); },
                       [](C& c, const std::string& v) { c.balancedClassWeights = v == "balanced"; }));
    s.push_back(choice("split-mode", "--split-mode", "",
                       "subject: no subject in two parts (the honest split); slice: slices split freely, as the seed did (leaks subjects)",
                       "split/mode", {"subject", "slice"}, [](const C& c) { return splitModeName(c.split.mode); },
                       [](C& c, const std::string& v) { c.split.mode = v == "slice" ? SplitMode::BySlice : SplitMode::BySubject; }));
    s.push_back(integer("seed", "--seed", "Seed", "Seeds the split, initial weights, shuffling and augmentation: the same seed gives the same run",
                        "seed", 0, 2147483647, [](const C& c) { return static_cast<long long>(c.seed); },
                        [](C& c, long long v) { c.seed = c.split.seed = static_cast<std::uint64_t>(v); }));
    s.push_back(integer("threads", "--threads", "Threads", "Compute threads; 0 = all cores", "threads", 0, 1024, [](const C& c) { return c.threads; },
                        [](C& c, long long v) { c.threads = static_cast<int>(v); }));
    s.push_back(yesNo("bf16", "--bf16", true, "bfloat16 mixed precision",
                      "Forward and backward in bfloat16 on CPUs with AVX512-BF16; weights and optimiser stay float32", "bf16",
                      [](const C& c) { return c.bf16; }, [](C& c, bool v) { c.bf16 = v; }));
    s.push_back(yesNo("bf16-convolutions", "--bf16-convolutions", true, "",
                      "bfloat16 for the convolutions only, the classifier head in float32 (implies bf16)", "bf16_convolutions_only",
                      [](const C& c) { return c.bf16ConvolutionsOnly; }, [](C& c, bool v) {
                          c.bf16ConvolutionsOnly = v;
                          if (v)
                              c.bf16 = true;
                      }));
    return s;
}

} // namespace

const std::vector<TrainingSetting>& trainingSettings()
{
    static const std::vector<TrainingSetting> settings = declareSettings();
    return settings;
}

const TrainingSetting& trainingSetting(std::string_view name)
{
    for (const TrainingSetting& s : trainingSettings())
        if (s.name == name)
            return s;
    throw std::out_of_range("no training setting is named " + std::string(name));
}

SettingValue defaultValue(const TrainingSetting& setting)
{
    return setting.get(TrainingConfig{});
}

std::string settingRangeText(const TrainingSetting& s)
{
    std::string text;
    switch (s.kind) {
    case SettingKind::Integer:
    case SettingKind::Real:
        text = numberText(s.minimum) + ".." + numberText(s.maximum);
        break;
    case SettingKind::Choice:
        text = join(s.choices, "|");
        break;
    case SettingKind::Switch:
        break;
    }
    if (!s.rule.empty())
        text += (text.empty() ? "" : ", ") + s.rule;
    return text;
}

std::string settingValueText(const SettingValue& value)
{
    if (const bool* b = std::get_if<bool>(&value))
        return *b ? "true" : "false";
    if (const long long* i = std::get_if<long long>(&value))
        return std::to_string(*i);
    if (const double* d = std::get_if<double>(&value))
        return numberText(*d);
    return std::get<std::string>(value);
}

std::string checkSettingValue(const TrainingSetting& s, const SettingValue& value, const std::string& named)
{
    const std::string who = named.empty() ? s.name : named;
    const auto wrong = [&] { return who + " must be " + settingRangeText(s) + ", not " + settingValueText(value); };
    switch (s.kind) {
    case SettingKind::Integer: {
        const long long* v = std::get_if<long long>(&value);
        if (!v)
            return who + " must be a whole number";
        if (static_cast<double>(*v) < s.minimum || static_cast<double>(*v) > s.maximum)
            return wrong();
        break;
    }
    case SettingKind::Real: {
        const double* v = std::get_if<double>(&value);
        if (!v)
            return who + " must be a number";
        if (!(std::isfinite(*v) && *v >= s.minimum && *v <= s.maximum))
            return wrong();
        break;
    }
    case SettingKind::Switch:
        if (!std::holds_alternative<bool>(value))
            return who + " must be true or false";
        break;
    case SettingKind::Choice: {
        const std::string* v = std::get_if<std::string>(&value);
        if (!v)
            return who + " must be one of " + settingRangeText(s);
        bool known = false;
        for (const std::string& c : s.choices)
            known = known || c == *v;
        if (!known)
            return wrong();
        break;
    }
    }
    if (s.satisfiesRule && !s.satisfiesRule(value))
        return wrong();
    return {};
}

SettingValue parseSettingValue(const TrainingSetting& s, const std::string& text)
{
    const std::string who = s.cliFlag.empty() || s.kind == SettingKind::Switch ? s.name : s.cliFlag;
    const auto refuse = [&](const std::string& why) { throw NeuroDxError(ErrorKind::InvalidArgument, why); };
    SettingValue value;
    char* end = nullptr;
    switch (s.kind) {
    case SettingKind::Integer: {
        const long long v = std::strtoll(text.c_str(), &end, 10);
        if (text.empty() || *end != '\0')
            refuse(who + " must be a whole number (" + settingRangeText(s) + "), not '" + text + "'");
        value = v;
        break;
    }
    case SettingKind::Real: {
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0')
            refuse(who + " must be a number (" + settingRangeText(s) + "), not '" + text + "'");
        value = v;
        break;
    }
    case SettingKind::Switch:
        if (text != "true" && text != "false")
            refuse(who + " must be true or false, not '" + text + "'");
        value = text == "true";
        break;
    case SettingKind::Choice:
        value = text;
        break;
    }
    if (const std::string problem = checkSettingValue(s, value, who); !problem.empty())
        refuse(problem);
    return value;
}

TrainingConfig demoTrainingConfig()
{
    TrainingConfig c;
    trainingSetting("model").set(c, std::string("tuned"));
    trainingSetting("image-size").set(c, 128LL);
    trainingSetting("epochs").set(c, 12LL);
    trainingSetting("patience").set(c, 4LL);
    return c;
}

} // namespace neurodx
