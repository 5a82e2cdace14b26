// neurodx-cli import-model: a Keras .h5 model (the seed's best_model.h5) becomes a NeuroDx model file.
#include "Commands.h"

#include "CliArguments.h"

#include "common/JsonFile.h"
#include "interop/KerasModel.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

std::string withThousands(std::int64_t value)
{
    std::string digits = std::to_string(value), text;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0)
            text += ',';
        text += digits[i];
    }
    return text;
}

std::string architectureText(const ModelSpec& spec)
{
    if (spec.architecture == Architecture::ResNet50V2)
        return std::string("resnet50v2 (ResNet50V2 - GlobalAveragePooling - Dense 1024 - Dense ") + std::to_string(spec.classes) + ")" +
               (spec.freezeBackbone ? ", backbone frozen as in Keras" : "");
    return architectureName(spec.architecture) + std::string(" CNN (Conv ") + std::to_string(spec.filters1) + " - Pool - Conv " + std::to_string(spec.filters2) +
           " - Pool - Dense " + std::to_string(spec.hiddenUnits) + " - Dense " + std::to_string(spec.classes) + ")" +
           (spec.dropout > 0 ? ", dropout " + std::to_string(spec.dropout).substr(0, 4) : std::string());
}

std::string joined(const std::vector<std::string>& items)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : ", ") + item;
    return text;
}

int runImportModel(const CliArguments& args)
{
    const fs::path source = args.positional()[0];
    const fs::path output = args.value("output") ? fs::path(*args.value("output")) : fs::path(source).replace_extension(".pt");
    if (fs::exists(source) && fs::exists(output) && fs::equivalent(source, output))
        throw UsageError{"--output must not be the Keras file itself"};

    KerasImportOptions options;
    options.classNames = args.listValue("classes", {});
    const KerasImport imported = importKerasModel(source, options);
    const ModelBundle& bundle = imported.bundle;
    saveModelFile(output, *bundle.model, bundle.metadata);

    const nlohmann::json& from = bundle.metadata.at("imported_from");
    const std::int64_t parameters = parameterCount(*bundle.model);
    if (args.flag("json")) {
        const nlohmann::json out = {
            {"source", source.string()},
            {"output", output.string()},
            {"keras_version", from.at("keras_version")},
            {"backend", from.at("backend")},
            {"kind", from.at("kind")},
            {"architecture", bundle.metadata.at("architecture")},
            {"class_names", bundle.classNames},
            {"input", {{"size", bundle.input.size}, {"channels", bundle.input.channels}}},
            {"parameters", parameters},
            {"keras_layers", from.at("keras_layers")},
            {"notices", imported.notices},
        };
        std::cout << jsonText(out, 2) << "\n";
        return 0;
    }
    const std::string version = from.at("keras_version").get<std::string>();
    const std::string backend = from.at("backend").get<std::string>();
    std::cout << "Keras " << from.at("kind").get<std::string>() << ": " << source.string() << " (Keras " << (version.empty() ? "?" : version)
              << (backend.empty() ? "" : ", " + backend) << ")\n";
    if (!args.flag("quiet"))
        std::cout << "  layers: " << joined(from.at("keras_layers").get<std::vector<std::string>>()) << "\n";
    std::cout << "  NeuroDx model: " << architectureText(bundle.spec) << "\n"
              << "  input: " << bundle.input.channels << " x " << bundle.input.size << " x " << bundle.input.size << ", pixel / 255\n"
              << "  parameters: " << withThousands(parameters) << "\n"
              << "  classes: " << joined(bundle.classNames) << "\n";
    for (const std::string& notice : imported.notices)
        std::cout << "  note: " << notice << "\n";
    std::cout << "Wrote " << output.string() << "\n";
    return 0;
}

} // namespace

CommandSpec importModelCommand()
{
    CommandSpec c;
    c.name = "import-model";
    c.summary = "Convert a Keras model (.h5) into a NeuroDx model file.";
    c.notes = "The seed's CNNs and its ResNet50V2 transfer model; predict and evaluate also take the .h5 as it is.\n";
    c.positionals = {{"FILE.h5", "the Keras model file"}};
    c.options = {textOption("output", "FILE", "The NeuroDx model file to write", "FILE.pt beside the .h5"),
                 textOption("classes", "A,B,...", "The model's class names in output order, when the file does not store them", "CN,MCI,AD")};
    c.run = runImportModel;
    return c;
}

} // namespace neurodx::cli
