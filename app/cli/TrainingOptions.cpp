#include "TrainingOptions.h"

#include "evaluation/RunFolder.h"

#include "ModelSpec.h"
#include "CommandContext.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "tuning/TuningJob.h"

#include <nlohmann/json.hpp>


namespace neurodx::cli {

std::set<std::string> trainingValueOptions()
{
    return {"model", "filters1", "filters2", "units", "dropout", "hyperparameters", "epochs", "batch-size", "learning-rate", "patience", "min-delta",
            "split-mode", "ratios", "seed", "threads", "image-size", "channels", "class-weights"};
}

std::set<std::string> trainingFlagOptions()
{
    return {"freeze-backbone", "no-augment", "no-early-stopping", "reduce-lr", "bf16", "bf16-convolutions"};
}

TrainingConfig trainingConfigFrom(const CliArguments& args, TrainingConfig c)
{
    c.model.architecture = args.value("model", c.model.architecture);
    bool known = false;
    for (const ModelArchitecture& a : modelArchitectures())
        known = known || a.name == c.model.architecture;
    if (!known)
        throw UsageError{"--model must be vanilla, tuned, cnn or resnet50v2, not '" + c.model.architecture + "'"};
    c.model.filters1 = args.intValue("filters1", c.model.filters1, 1, 1024);
    c.model.filters2 = args.intValue("filters2", c.model.filters2, 1, 1024);
    c.model.hiddenUnits = args.intValue("units", c.model.hiddenUnits, 1, 65536);
    c.model.dropout = args.doubleValue("dropout", c.model.dropout, 0.0, 0.99);
    if (const auto file = args.value("hyperparameters")) {
        // best_hyperparameters.json from `neurodx-cli tune`, or a bare {"filters1": 16, ...} object.
        const nlohmann::json j = readJsonFile(*file);
        try {
            applyHyperparameters(c, j.contains("hyperparameters") ? j.at("hyperparameters") : j);
            // The search's image size, channels, augmentation... (options given here still win: read below).
            if (j.contains("settings"))
                applyTunedSettings(c, j.at("settings"));
        } catch (const nlohmann::json::exception& e) {
            throw NeuroDxError(ErrorKind::CorruptFile, *file, std::string("not a hyperparameter file: ") + e.what());
        }
    }
    c.model.freezeBackbone = args.flag("freeze-backbone");
    c.epochs = args.intValue("epochs", c.epochs, 1, 100000);
    c.batchSize = args.intValue("batch-size", c.batchSize, 1, 4096);
    c.learningRate = args.doubleValue("learning-rate", c.learningRate, 1e-9, 9.99);
    c.earlyStopping.patience = args.intValue("patience", c.earlyStopping.patience, 0, 100000);
    c.earlyStopping.minDelta = args.doubleValue("min-delta", c.earlyStopping.minDelta, 0.0, 1e9);
    c.earlyStopping.enabled = !args.flag("no-early-stopping");
    c.reduceLr.enabled = args.flag("reduce-lr");
    // Flags only switch on what they name: a setting from --hyperparameters' file stays otherwise.
    if (args.flag("no-augment"))
        c.augment = false;
    if (args.flag("bf16-convolutions")) // bf16 for the convolutions, the head in float32
        c.bf16 = c.bf16ConvolutionsOnly = true;
    else if (args.flag("bf16"))
        c.bf16 = true;
    const std::string mode = args.value("split-mode", c.split.mode == SplitMode::BySlice ? "slice" : "subject");
    if (mode != "subject" && mode != "slice")
        throw UsageError{"--split-mode must be subject or slice, not '" + mode + "'"};
    c.split.mode = mode == "slice" ? SplitMode::BySlice : SplitMode::BySubject;
    c.split.ratios = splitRatiosFrom(args, c.split.ratios);
    c.seed = static_cast<std::uint64_t>(args.intValue("seed", static_cast<int>(c.seed), 0, 2147483647));
    c.split.seed = c.seed;
    c.threads = args.intValue("threads", c.threads, 0, 1024);
    c.input.size = args.intValue("image-size", c.input.size, 16, 1024);
    if (c.input.size % 4 != 0)
        throw UsageError{"--image-size must be divisible by 4"};
    c.input.channels = args.intValue("channels", c.input.channels, 1, 3);
    if (c.input.channels == 2)
        throw UsageError{"--channels must be 1 or 3"};
    const std::string weights = args.value("class-weights", c.balancedClassWeights ? "balanced" : "none");
    if (weights != "none" && weights != "balanced")
        throw UsageError{"--class-weights must be none or balanced"};
    c.balancedClassWeights = weights == "balanced";
    c.model.imageSize = c.input.size;
    c.model.inputChannels = c.input.channels;
    return c;
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
