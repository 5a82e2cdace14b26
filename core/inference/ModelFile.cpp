#include "ModelFile.h"

#include "common/TextUtil.h"
#include "common/AtomicFile.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/Version.h"
#include "interop/KerasHdf5.h"
#include "interop/KerasModel.h"
#include "inference/TorchArchiveCheck.h"

#include <caffe2/serialize/inline_container.h>
#include <caffe2/serialize/read_adapter_interface.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/export.h>
#include <torch/csrc/jit/serialization/pickler.h>
#include <torch/script.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <chrono>
#include <ctime>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

namespace neurodx {

namespace {

using TensorMap = std::map<std::string, torch::Tensor>;

std::string shapeText(const torch::Tensor& t)
{
    std::ostringstream out;
    out << t.sizes();
    return out.str();
}

TensorMap stateOf(const torch::nn::Module& model)
{
    TensorMap state;
    for (const auto& p : model.named_parameters())
        state[p.key()] = p.value();
    for (const auto& b : model.named_buffers())
        state[b.key()] = b.value();
    return state;
}

std::string isoTimeNow()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
#if defined(_WIN32)
    gmtime_s(&utc, &now);
#else
    gmtime_r(&now, &utc);
#endif
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::vector<char> readBytes(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    return std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// LibTorch 1.13's VectorReadAdapter (behind torch::pickle_load) copies whatever range miniz asks
// for, and a damaged zip directory asks for ranges past the buffer (fuzz_model_file found the read
// after free). This adapter answers such reads short, which miniz reports as a damaged archive.
class BoundedReadAdapter final : public caffe2::serialize::ReadAdapterInterface {
public:
    explicit BoundedReadAdapter(const std::vector<char>& bytes) : m_bytes(bytes) {}
    size_t size() const override { return m_bytes.size(); }
    size_t read(uint64_t pos, void* buffer, size_t n, const char* = "") const override
    {
        if (pos >= m_bytes.size())
            return 0;
        n = static_cast<size_t>(std::min<uint64_t>(n, m_bytes.size() - pos));
        std::memcpy(buffer, m_bytes.data() + pos, n);
        return n;
    }

private:
    const std::vector<char>& m_bytes;
};

// A NeuroDx model file's dictionary, or nothing when the bytes are some other pickle.
c10::impl::GenericDict unpickleDict(const std::filesystem::path& file, const std::vector<char>& bytes)
{
    if (bytes.empty())
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "the file is empty");
    checkTorchArchive(file, bytes); // LibTorch would allocate whatever sizes the file claims
    torch::IValue value;
    try {
        caffe2::serialize::PyTorchStreamReader archive(std::make_shared<BoundedReadAdapter>(bytes));
        value = torch::jit::readArchiveAndTensors("data", "", "", c10::nullopt, c10::nullopt, c10::nullopt, archive); // torch::pickle_load's reading
    } catch (const std::exception&) {
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "not a NeuroDx model file, or damaged or truncated (it cannot be unpickled)");
    }
    if (!value.isGenericDict())
        throw NeuroDxError(ErrorKind::CorruptFile, file, "not a NeuroDx model file (it holds no dictionary)");
    return value.toGenericDict();
}

// A pickled tensor's sizes, strides and offset are taken as written: a damaged file can lay a view
// past the end of its storage, and copying it would read beyond (fuzz_model_file).
bool fitsItsStorage(const torch::Tensor& tensor)
{
    if (!tensor.has_storage())
        return false;
    if (tensor.numel() == 0)
        return true;
    std::int64_t last = tensor.storage_offset();
    for (std::int64_t d = 0; d < tensor.dim(); ++d) {
        std::int64_t extent = 0;
        if (tensor.stride(d) < 0 || __builtin_mul_overflow(tensor.size(d) - 1, tensor.stride(d), &extent) ||
            __builtin_add_overflow(last, extent, &last))
            return false;
    }
    std::int64_t elements = 0, bytes = 0;
    return !__builtin_add_overflow(last, std::int64_t{1}, &elements) &&
           !__builtin_mul_overflow(elements, static_cast<std::int64_t>(tensor.element_size()), &bytes) &&
           bytes <= static_cast<std::int64_t>(tensor.storage().nbytes());
}

TensorMap tensorsOf(const std::filesystem::path& file, const c10::impl::GenericDict& dict)
{
    TensorMap tensors;
    for (const auto& item : dict) {
        if (item.key().isString() && item.value().isTensor()) {
            if (!fitsItsStorage(item.value().toTensor()))
                throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged model file: tensor '" + item.key().toStringRef() + "' lies outside its data");
            tensors[item.key().toStringRef()] = item.value().toTensor();
        }
    }
    return tensors;
}

void copyInto(torch::Tensor& target, const torch::Tensor& source)
{
    torch::NoGradGuard noGrad;
    target.copy_(source.to(target.dtype()));
}

} // namespace

nlohmann::json modelMetadata(const ModelSpec& spec, const std::vector<std::string>& classNames,
                             const PreprocessConfig& input, const nlohmann::json& extra)
{
    nlohmann::json metadata = {
        {"architecture", {{"name", architectureName(spec.architecture)}, {"filters1", spec.filters1}, {"filters2", spec.filters2},
                          {"hidden_units", spec.hiddenUnits}, {"dropout", spec.dropout}, {"freeze_backbone", spec.freezeBackbone}}},
        {"class_names", classNames},
        {"input", {{"size", input.size}, {"channels", input.channels}, {"layout", "NCHW"}, {"range", {0.0, 1.0}}}},
        {"preprocessing", {{"raster_8bit", "value / 255"}, {"dicom", "file window (PS3.3 C.11.2.1.2.1), else 0.5-99.5 percentile"},
                           {"other", "0.5-99.5 percentile"}, {"monochrome1", "inverted after windowing"},
                           {"colour", "ITU-R BT.601 luma"}, {"resize", "bilinear"}, {"quantised", "8-bit cache"}}},
        {"created", isoTimeNow()},
        {"app_version", kVersion},
        {"research_notice", kResearchNotice},
    };
    if (extra.is_object())
        metadata.update(extra);
    return metadata;
}

void saveModelFile(const std::filesystem::path& file, const Classifier& model, const nlohmann::json& metadata)
{
    c10::Dict<std::string, torch::Tensor> state;
    for (const auto& [name, tensor] : stateOf(model))
        state.insert(name, tensor.detach().cpu().contiguous());
    c10::impl::GenericDict bundle(c10::StringType::get(), c10::AnyType::get());
    bundle.insert("format", std::string(kModelFileFormat));
    bundle.insert("version", static_cast<int64_t>(kModelFileVersion));
    bundle.insert("metadata", jsonText(metadata, -1)); // dataset paths are file names: any bytes
    bundle.insert("state_dict", state);
    // torch::pickle_save's format (what Python's torch.load reads), streamed to the file: pickle_save
    // assembles the whole archive in a growing vector first, a transient of up to twice the model
    // (about 200 MB for the tuned CNN) at the peak of a training run.
    writeFileAtomically(file, [&](std::ostream& out) {
        std::vector<char> pickle; // the structure only: tensors are referenced, not copied
        torch::jit::Pickler pickler([&](const char* bytes, std::size_t size) { pickle.insert(pickle.end(), bytes, bytes + size); });
        pickler.protocol();
        pickler.pushIValue(torch::IValue(bundle));
        pickler.stop();
        // The writer never reports a short write: PyTorchStreamWriter would throw, and throw again from
        // its destructor while unwinding (std::terminate on a full disk). A failed stream stays
        // failed; writeFileAtomically sees that, removes the .part file and names the reason.
        caffe2::serialize::PyTorchStreamWriter archive([&](const void* bytes, std::size_t size) -> std::size_t {
            if (out)
                out.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(size));
            return size;
        });
        torch::jit::writeArchiveAndTensors("data", pickle.data(), pickle.size(), pickler.tensorData(), archive);
        archive.writeEndOfFile();
    });
}

std::filesystem::path resolveModelPath(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
        return path;
    const std::filesystem::path best = path / "best.pt";
    if (std::filesystem::is_regular_file(best, ec))
        return best;
    if (std::filesystem::is_regular_file(path / "config.json", ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, path,
                           "this run folder has no best.pt: the run ended before its first epoch was checkpointed "
                           "(resume it with train --resume --output, or give a model file)");
    throw NeuroDxError(ErrorKind::UnreadableFile, path, "a folder, not a model: give a model file (.pt or Keras .h5) or a run folder holding best.pt");
}

ModelBundle loadModelFile(const std::filesystem::path& given)
{
    const std::filesystem::path file = resolveModelPath(given);
    if (isKerasModelFile(file)) // a Keras .h5 model, converted on the fly (core/interop)
        return importKerasModel(file).bundle;
    const c10::impl::GenericDict dict = unpickleDict(file, readBytes(file));
    const auto field = [&](const char* key) -> torch::IValue {
        if (!dict.contains(key))
            throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a NeuroDx model file (no '") + key + "' entry)");
        return dict.at(key);
    };
    const torch::IValue format = field("format");
    if (!format.isString() || format.toStringRef() != kModelFileFormat)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "not a NeuroDx model file (format is not 'neurodx-model')");
    const torch::IValue version = field("version");
    if (!version.isInt() || version.toInt() > kModelFileVersion)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "written by a newer NeuroDx (model file version " + (version.isInt() ? std::to_string(version.toInt()) : std::string("?")) +
                               "; this build reads up to " + std::to_string(kModelFileVersion) + ")");

    ModelBundle bundle;
    if (!field("metadata").isString())
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the model's metadata is damaged (not text)");
    try {
        bundle.metadata = nlohmann::json::parse(field("metadata").toStringRef());
        const auto& a = bundle.metadata.at("architecture");
        bundle.spec.architecture = architectureFromName(a.at("name").get<std::string>());
        bundle.spec.filters1 = a.value("filters1", 32);
        bundle.spec.filters2 = a.value("filters2", 64);
        bundle.spec.hiddenUnits = a.value("hidden_units", 64);
        bundle.spec.freezeBackbone = a.value("freeze_backbone", false);
        bundle.spec.dropout = a.value("dropout", 0.0);
        bundle.classNames = bundle.metadata.at("class_names").get<std::vector<std::string>>();
        bundle.input.size = bundle.metadata.at("input").at("size").get<int>();
        bundle.input.channels = bundle.metadata.at("input").at("channels").get<int>();
    } catch (const nlohmann::json::exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the model's metadata is damaged (" + conciseReason(e.what()) + ")");
    } catch (const std::invalid_argument& e) { // a newer or foreign architecture
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, e.what());
    }
    bundle.spec.classes = static_cast<int>(bundle.classNames.size());
    bundle.spec.imageSize = bundle.input.size;
    bundle.spec.inputChannels = bundle.input.channels;
    try {
        bundle.model = createModel(bundle.spec);
    } catch (const std::invalid_argument& e) {
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, e.what());
    }

    const torch::IValue stateValue = field("state_dict");
    if (!stateValue.isGenericDict())
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the state dict is damaged");
    const TensorMap saved = tensorsOf(file, stateValue.toGenericDict());
    for (auto& [name, tensor] : stateOf(*bundle.model)) {
        const auto it = saved.find(name);
        if (it == saved.end())
            throw NeuroDxError(ErrorKind::CorruptFile, file, "tensor '" + name + "' is missing from the state dict");
        if (!it->second.sizes().equals(tensor.sizes()))
            throw NeuroDxError(ErrorKind::CorruptFile, file, "tensor '" + name + "' has shape " + shapeText(it->second) +
                                                                 " in the file but the " + architectureName(bundle.spec.architecture) + " model expects " + shapeText(tensor));
        copyInto(tensor, it->second);
    }
    bundle.model->eval();
    return bundle;
}

std::string WeightImportReport::summary() const
{
    std::ostringstream out;
    out << matched.size() << " tensors imported";
    if (!missingInFile.empty())
        out << ", " << missingInFile.size() << " kept their initial values (not in the file)";
    if (!shapeMismatches.empty())
        out << ", " << shapeMismatches.size() << " skipped for shape (" << shapeMismatches.front() << (shapeMismatches.size() > 1 ? ", ..." : "") << ")";
    if (!unexpectedInFile.empty())
        out << ", " << unexpectedInFile.size() << " in the file unused";
    return out.str();
}

WeightImportReport importWeights(Classifier& model, const std::filesystem::path& file)
{
    const bool keras = isKerasModelFile(file); // Keras .h5 weights, under NeuroDx's tensor names (core/interop)
    const std::vector<char> bytes = keras ? std::vector<char>() : readBytes(file);
    if (!keras && !bytes.empty())
        checkTorchArchive(file, bytes); // for the TorchScript reader below too
    TensorMap source;
    if (keras)
        source = kerasWeightsFor(file, model);
    else try {
        const c10::impl::GenericDict dict = unpickleDict(file, bytes);
        source = dict.contains("state_dict") && dict.at("state_dict").isGenericDict() ? tensorsOf(file, dict.at("state_dict").toGenericDict()) : tensorsOf(file, dict);
    } catch (const NeuroDxError&) {
        try {
            torch::jit::Module scripted = torch::jit::load(file.string());
            for (const auto& p : scripted.named_parameters())
                source[p.name] = p.value;
            for (const auto& b : scripted.named_buffers())
                source[b.name] = b.value;
            for (const auto& [name, tensor] : source)
                if (!fitsItsStorage(tensor))
                    throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged model file: tensor '" + name + "' lies outside its data");
        } catch (const NeuroDxError&) {
            throw;
        } catch (const std::exception&) {
            throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                               "not a weight file NeuroDx reads: use a NeuroDx model file or a TorchScript archive "
                               "(torch.jit.save(torch.jit.script(module), path))");
        }
    }
    if (source.empty())
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the file holds no tensors");

    WeightImportReport report;
    TensorMap target = stateOf(model);
    for (auto& [name, tensor] : target) {
        const auto it = source.find(name);
        if (it == source.end()) {
            report.missingInFile.push_back(name);
        } else if (!it->second.sizes().equals(tensor.sizes())) {
            report.shapeMismatches.push_back(name + ": file " + shapeText(it->second) + " vs model " + shapeText(tensor));
        } else {
            copyInto(tensor, it->second);
            report.matched.push_back(name);
        }
    }
    for (const auto& [name, tensor] : source) {
        if (!target.count(name))
            report.unexpectedInFile.push_back(name);
    }
    return report;
}

} // namespace neurodx
