#include "TrainingConfig.h"

#include "TrainingSettings.h"

#include "common/TextUtil.h"
#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>

namespace neurodx {

nlohmann::json toJson(const TrainingConfig& c)
{
    return {
        {"model", {{"architecture", architectureName(c.model.architecture)}, {"filters1", c.model.filters1}, {"filters2", c.model.filters2},
                   {"hidden_units", c.model.hiddenUnits}, {"dropout", c.model.dropout}, {"freeze_backbone", c.model.freezeBackbone}, {"classes", c.model.classes}}},
        {"input", {{"size", c.input.size}, {"channels", c.input.channels}}},
        {"split", {{"mode", splitModeName(c.split.mode)}, {"ratios", c.split.ratios}, {"seed", c.split.seed}}},
        {"epochs", c.epochs},
        {"batch_size", c.batchSize},
        {"learning_rate", c.learningRate},
        {"optimizer", {{"name", "adam"}, {"beta1", 0.9}, {"beta2", 0.999}, {"epsilon", 1e-7}}},
        {"seed", c.seed},
        {"threads", c.threads},
        {"augment", c.augment},
        {"augmentation", {{"horizontal_flip", c.augmentation.horizontalFlip}, {"vertical_flip", c.augmentation.verticalFlip},
                          {"max_rotation_degrees", c.augmentation.maxRotationDegrees}}},
        {"balanced_class_weights", c.balancedClassWeights},
        {"early_stopping", {{"enabled", c.earlyStopping.enabled}, {"monitor", metricName(c.earlyStopping.monitor)}, {"patience", c.earlyStopping.patience},
                            {"min_delta", c.earlyStopping.minDelta}, {"restore_best_weights", c.earlyStopping.restoreBestWeights}}},
        {"reduce_lr", {{"enabled", c.reduceLr.enabled}, {"monitor", metricName(c.reduceLr.monitor)}, {"factor", c.reduceLr.factor},
                       {"patience", c.reduceLr.patience}, {"min_lr", c.reduceLr.minLr}}},
        {"stop_on_nan", c.stopOnNaN},
        {"bf16", c.bf16},
        {"bf16_convolutions_only", c.bf16ConvolutionsOnly},
    };
}

TrainingConfig trainingConfigFromJson(const nlohmann::json& j)
{
    TrainingConfig c;
    try {
        const auto& m = j.at("model");
        c.model.architecture = architectureFromName(m.at("architecture").get<std::string>());
        c.model.filters1 = m.value("filters1", c.model.filters1);
        c.model.filters2 = m.value("filters2", c.model.filters2);
        c.model.hiddenUnits = m.value("hidden_units", c.model.hiddenUnits);
        c.model.freezeBackbone = m.value("freeze_backbone", false);
        c.model.dropout = m.value("dropout", 0.0);
        c.model.classes = m.value("classes", 3);
        c.input.size = j.at("input").at("size").get<int>();
        c.input.channels = j.at("input").at("channels").get<int>();
        c.split.mode = j.at("split").at("mode").get<std::string>() == "slice" ? SplitMode::BySlice : SplitMode::BySubject;
        c.split.ratios = j.at("split").at("ratios").get<std::array<double, kSplitParts>>();
        c.split.seed = j.at("split").at("seed").get<std::uint64_t>();
        c.epochs = j.at("epochs").get<int>();
        c.batchSize = j.at("batch_size").get<int>();
        c.learningRate = j.at("learning_rate").get<double>();
        c.seed = j.at("seed").get<std::uint64_t>();
        c.threads = j.value("threads", 0);
        c.augment = j.value("augment", true);
        if (j.contains("augmentation")) {
            const auto& a = j.at("augmentation");
            c.augmentation.horizontalFlip = a.value("horizontal_flip", true);
            c.augmentation.verticalFlip = a.value("vertical_flip", true);
            c.augmentation.maxRotationDegrees = a.value("max_rotation_degrees", 36.0);
        }
        c.balancedClassWeights = j.value("balanced_class_weights", false);
        if (j.contains("early_stopping")) {
            const auto& e = j.at("early_stopping");
            c.earlyStopping = {e.value("enabled", true), metricFromName(e.value("monitor", std::string("val_loss"))), e.value("patience", 5),
                               e.value("min_delta", 0.0), e.value("restore_best_weights", true)};
        }
        if (j.contains("reduce_lr")) {
            const auto& r = j.at("reduce_lr");
            c.reduceLr = {r.value("enabled", false), metricFromName(r.value("monitor", std::string("val_loss"))), r.value("factor", 0.1),
                          r.value("patience", 3), r.value("min_lr", 1e-6)};
        }
        c.stopOnNaN = j.value("stop_on_nan", true);
        c.bf16 = j.value("bf16", false);
        c.bf16ConvolutionsOnly = j.value("bf16_convolutions_only", false);
    } catch (const nlohmann::json::exception& e) {
        throw NeuroDxError(ErrorKind::InvalidArgument, "the training configuration is incomplete or damaged (" + conciseReason(e.what()) + ")");
    } catch (const std::invalid_argument& e) { // an architecture this build does not know
        throw NeuroDxError(ErrorKind::InvalidArgument, std::string("the training configuration names ") + e.what());
    }
    c.model.imageSize = c.input.size;
    c.model.inputChannels = c.input.channels;
    return c;
}

void validate(const TrainingConfig& c)
{
    const auto bad = [](const std::string& what) { throw NeuroDxError(ErrorKind::InvalidArgument, what); };
    // Every declared setting in its declared range (TrainingSettings: the CLI and the form use the same).
    for (const TrainingSetting& setting : trainingSettings())
        if (const std::string problem = checkSettingValue(setting, setting.get(c)); !problem.empty())
            bad(problem);
    // What no front end offers, read from config.json files and hyperparameter files.
    if (c.reduceLr.patience < 0)
        bad("patience cannot be negative");
    if (!(c.reduceLr.factor > 0.0 && c.reduceLr.factor < 1.0))
        bad("the learning-rate reduction factor must lie between 0 and 1");
    if (c.bf16 && !cpuSupportsBf16())
        bad("bf16 training needs a CPU with AVX512-BF16; this one has none (train without --bf16)");
}

std::string trainingSettingsText(const TrainingConfig& c)
{
    const auto number = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        return std::string(text);
    };
    std::string model = architectureName(c.model.architecture);
    if (c.model.architecture == Architecture::Cnn)
        model += " (filters " + std::to_string(c.model.filters1) + "/" + std::to_string(c.model.filters2) + ", units " + std::to_string(c.model.hiddenUnits) + ")";
    if (c.model.dropout > 0)
        model += ", dropout " + number(c.model.dropout);
    if (c.model.freezeBackbone)
        model += ", backbone frozen";
    std::string text = "Settings: model " + model + ", input " + std::to_string(c.input.channels) + " x " + std::to_string(c.input.size) + " x " +
                       std::to_string(c.input.size) + ", " + std::to_string(c.epochs) + " epochs, batch " + std::to_string(c.batchSize) +
                       ", Adam lr " + number(c.learningRate) + ", seed " + std::to_string(c.seed) + ", " +
                       (c.bf16 ? (c.bf16ConvolutionsOnly ? "bfloat16 convolutions" : "bfloat16") : "float32") + "\n";
    text += "  augmentation: ";
    if (!c.augment)
        text += "off";
    else
        text += std::string(c.augmentation.horizontalFlip ? "horizontal flips, " : "") + (c.augmentation.verticalFlip ? "vertical flips, " : "") +
                "rotation up to " + number(c.augmentation.maxRotationDegrees) + " degrees";
    text += "; class weights " + std::string(c.balancedClassWeights ? "balanced" : "none") + "\n";
    text += "  early stopping: " + (c.earlyStopping.enabled ? metricName(c.earlyStopping.monitor) + std::string(", patience ") + std::to_string(c.earlyStopping.patience) +
                                                                  (c.earlyStopping.minDelta > 0 ? ", min delta " + number(c.earlyStopping.minDelta) : "") +
                                                                  (c.earlyStopping.restoreBestWeights ? ", best weights restored" : "")
                                                            : std::string("off"));
    text += "; reduce LR on plateau: " + (c.reduceLr.enabled ? metricName(c.reduceLr.monitor) + std::string(", factor ") + number(c.reduceLr.factor) + ", patience " +
                                                                   std::to_string(c.reduceLr.patience) + ", min " + number(c.reduceLr.minLr)
                                                             : std::string("off"));
    return text;
}

std::string frozenRandomBackboneWarning()
{
    return "warning: the backbone is frozen but no weights were given (--weights): its layers keep their random initial values and only "
           "the classifier head learns, on random features. Give --weights (e.g. Keras' ImageNet file resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5) "
           "or drop --freeze-backbone.";
}

} // namespace neurodx
