#include "KerasModel.h"

#include "KerasArchitecture.h"
#include "KerasHdf5.h"
#include "KerasWeights.h"

#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <sstream>

namespace neurodx {

namespace {

std::string joined(const std::vector<std::string>& items, const char* separator)
{
    std::string text;
    for (const std::string& item : items)
        text += (text.empty() ? "" : separator) + item;
    return text;
}

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

// A `class_names` attribute: a list of strings, or one string holding a JSON list.
std::vector<std::string> classNamesInFile(const KerasHdf5Content& content)
{
    if (content.classNames.size() == 1 && !content.classNames.front().empty() && content.classNames.front().front() == '[') {
        try {
            return nlohmann::json::parse(content.classNames.front()).get<std::vector<std::string>>();
        } catch (const nlohmann::json::exception&) {
            throw NeuroDxError(ErrorKind::CorruptFile, content.file, "the class_names attribute is not a list of names");
        }
    }
    return content.classNames;
}

std::vector<std::string> classNamesFor(const KerasHdf5Content& content, const KerasModelPlan& plan, const KerasImportOptions& options,
                                       std::vector<std::string>& notices)
{
    const auto outputs = static_cast<std::size_t>(plan.spec.classes);
    const auto check = [&](const std::vector<std::string>& names, const std::string& source) {
        if (names.size() != outputs)
            throw NeuroDxError(ErrorKind::InvalidArgument, content.file, source + " names " + std::to_string(names.size()) + " classes (" + joined(names, ", ") +
                                                                             ") but the model has " + std::to_string(outputs) + " outputs");
        return names;
    };
    if (!options.classNames.empty())
        return check(options.classNames, "the class list given");
    if (const std::vector<std::string> stored = classNamesInFile(content); !stored.empty())
        return check(stored, "the file's class_names attribute");
    if (outputs == 3) {
        notices.push_back("Keras files do not store class names: NeuroDx uses the seed's order CN, MCI, AD (labels 0, 1, 2); "
                          "give others with --classes");
        return {"CN", "MCI", "AD"};
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < outputs; ++i)
        names.push_back("class" + std::to_string(i));
    notices.push_back("Keras files do not store class names: the " + std::to_string(outputs) + " outputs are called class0 ... class" +
                      std::to_string(outputs - 1) + "; give names with --classes");
    return names;
}

void copyStrictly(const std::filesystem::path& file, Classifier& model, const std::map<std::string, torch::Tensor>& tensors)
{
    torch::NoGradGuard noGrad;
    const auto copy = [&](const std::string& name, torch::Tensor& target) {
        const auto it = tensors.find(name);
        if (it == tensors.end())
            throw NeuroDxError(ErrorKind::CorruptFile, file, "the Keras file has no weights for NeuroDx's '" + name + "'");
        if (!it->second.sizes().equals(target.sizes()))
            throw NeuroDxError(ErrorKind::CorruptFile, file, "the Keras weights for '" + name + "' have shape " + shapeText(it->second) +
                                                                 " where the model has " + shapeText(target));
        target.copy_(it->second.to(target.dtype()));
    };
    for (auto& p : model.named_parameters())
        copy(p.key(), p.value());
    for (auto& b : model.named_buffers())
        copy(b.key(), b.value());
}

// The model's first convolution weight, where NeuroDx's networks take their input channels.
torch::Tensor firstConvolution(const Classifier& model)
{
    for (const auto& p : model.named_parameters(true)) {
        if (p.key() == "conv1.weight" || p.key() == "conv1_conv.weight")
            return p.value();
    }
    return {};
}

} // namespace

KerasImport importKerasModel(const std::filesystem::path& file, const KerasImportOptions& options)
{
    return importKerasModel(readKerasHdf5(file), options);
}

KerasImport importKerasModel(const KerasHdf5Content& content, const KerasImportOptions& options)
{
    const std::filesystem::path& file = content.file;
    const KerasModelPlan plan = kerasModelPlan(content);
    if (!plan.hasHead)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           plan.headProblem + "; NeuroDx predicts only with a classifier. Layers found: " + joined(plan.layersFound, ", ") +
                               ". Its backbone can start a transfer run: neurodx-cli train DIR --model resnet50v2 --weights " + file.filename().string() +
                               " --freeze-backbone --channels 3");
    KerasImport result;
    result.notices = plan.notices;
    ModelBundle& bundle = result.bundle;
    bundle.spec = plan.spec;
    bundle.classNames = classNamesFor(content, plan, options, result.notices);
    bundle.input.size = plan.spec.imageSize;
    bundle.input.channels = plan.spec.inputChannels;
    try {
        bundle.model = createModel(bundle.spec);
    } catch (const std::invalid_argument& e) {
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, e.what());
    }
    copyStrictly(file, *bundle.model, neuroDxTensors(content, plan));
    bundle.model->eval();

    const nlohmann::json source = {
        {"format", "Keras HDF5"},
        {"file", file.filename().string()},
        {"kind", content.wholeModel ? "whole model (model_config + model_weights)" : "weight file (layer_names)"},
        {"keras_version", content.kerasVersion},
        {"backend", content.backend},
        {"keras_layers", plan.layersFound},
        {"input_scale", plan.inputScale},
        {"notices", result.notices},
    };
    bundle.metadata = modelMetadata(bundle.spec, bundle.classNames, bundle.input, {{"imported_from", source}});
    return result;
}

std::map<std::string, torch::Tensor> kerasWeightsFor(const std::filesystem::path& file, const Classifier& model)
{
    const KerasHdf5Content content = readKerasHdf5(file);
    const KerasModelPlan plan = kerasModelPlan(content);
    std::map<std::string, torch::Tensor> tensors = neuroDxTensors(content, plan);
    const torch::Tensor first = firstConvolution(model);
    for (const char* name : {"conv1.weight", "conv1_conv.weight"}) {
        auto it = tensors.find(name);
        if (!first.defined() || it == tensors.end() || first.dim() != 4 || it->second.size(1) == first.size(1))
            continue;
        // Grey slices enter a 3-channel model as three equal channels, so summing the kernel over them
        // (or spreading a 1-channel kernel over three) gives the same outputs.
        if (it->second.size(1) == 3 && first.size(1) == 1)
            it->second = it->second.sum(1, true);
        else if (it->second.size(1) == 1 && first.size(1) == 3)
            it->second = it->second.div(3.0).expand({-1, 3, -1, -1}).contiguous();
    }
    return tensors;
}

} // namespace neurodx
