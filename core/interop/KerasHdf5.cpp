#include "KerasHdf5.h"

#include "KerasHdf5Wire.h"
#include "common/ChildProcess.h"
#include "common/NeuroDxError.h"

#include <H5Cpp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <mutex>
#include <optional>

namespace neurodx {

namespace {

// The HDF5 library is not necessarily built thread-safe (Debian's serial build is not): one reader
// at a time, so a GUI worker and the CLI's threads never meet inside it.
std::mutex& hdf5Mutex()
{
    static std::mutex mutex;
    return mutex;
}

bool hasLink(const H5::Group& group, const std::string& name)
{
    return H5Lexists(group.getId(), name.c_str(), H5P_DEFAULT) > 0;
}

// A string attribute as a list: scalar or array, fixed-length or variable-length (h5py writes both:
// bytes as fixed-length, str as variable-length). An empty numeric array (what h5py stores for
// Keras' `weight_names = []`) is an empty list; nullopt when the attribute is missing.
std::optional<std::vector<std::string>> stringsAttribute(const std::filesystem::path& file, const H5::Group& object, const std::string& name)
{
    if (!object.attrExists(name))
        return std::nullopt;
    const H5::Attribute attribute = object.openAttribute(name);
    const H5::DataSpace space = attribute.getSpace();
    const auto count = static_cast<std::size_t>(space.getSimpleExtentNpoints());
    std::vector<std::string> strings;
    if (attribute.getTypeClass() != H5T_STRING) {
        if (count == 0)
            return strings;
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "the attribute '" + name + "' holds numbers where Keras stores names");
    }
    const H5::StrType type = attribute.getStrType();
    if (type.isVariableStr()) {
        std::vector<char*> pointers(count, nullptr);
        H5::StrType memoryType(H5::PredType::C_S1, H5T_VARIABLE);
        memoryType.setCset(type.getCset());
        attribute.read(memoryType, pointers.data());
        for (char* p : pointers)
            strings.emplace_back(p ? p : "");
        H5Dvlen_reclaim(memoryType.getId(), space.getId(), H5P_DEFAULT, pointers.data());
    } else {
        const std::size_t size = type.getSize();
        std::vector<char> buffer(count * size);
        attribute.read(type, buffer.data());
        for (std::size_t i = 0; i < count; ++i) {
            const char* text = buffer.data() + i * size;
            std::string value(text, strnlen(text, size));
            while (!value.empty() && value.back() == ' ') // H5T_STR_SPACEPAD
                value.pop_back();
            strings.push_back(std::move(value));
        }
    }
    return strings;
}

std::string stringAttribute(const std::filesystem::path& file, const H5::Group& object, const std::string& name)
{
    const auto strings = stringsAttribute(file, object, name);
    return strings && strings->size() == 1 ? strings->front() : std::string();
}

// Keras' load_attributes_from_hdf5_group: `name`, or `name0`, `name1`... when the list was too long
// for one HDF5 object header (64 kB).
std::optional<std::vector<std::string>> chunkedStringsAttribute(const std::filesystem::path& file, const H5::Group& object, const std::string& name)
{
    if (auto whole = stringsAttribute(file, object, name))
        return whole;
    std::optional<std::vector<std::string>> joined;
    for (int chunk = 0;; ++chunk) {
        const auto part = stringsAttribute(file, object, name + std::to_string(chunk));
        if (!part)
            return joined;
        if (!joined)
            joined.emplace();
        joined->insert(joined->end(), part->begin(), part->end());
    }
}

KerasWeight readWeight(const std::filesystem::path& file, const H5::Group& layer, const std::string& layerName, const std::string& weightName)
{
    H5::DataSet dataset;
    try {
        dataset = layer.openDataSet(weightName);
    } catch (const H5::Exception&) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "layer '" + layerName + "' lists weight '" + weightName + "' but does not hold it");
    }
    const H5T_class_t typeClass = dataset.getTypeClass();
    if (typeClass != H5T_FLOAT && typeClass != H5T_INTEGER)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "weight '" + weightName + "' of layer '" + layerName + "' is not numeric");
    const H5::DataSpace space = dataset.getSpace();
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!dims.empty())
        space.getSimpleExtentDims(dims.data());
    KerasWeight weight;
    weight.name = weightName;
    for (hsize_t d : dims)
        weight.shape.push_back(static_cast<std::int64_t>(d));
    weight.values.resize(static_cast<std::size_t>(space.getSimpleExtentNpoints()));
    if (!weight.values.empty()) {
        try {
            dataset.read(weight.values.data(), H5::PredType::NATIVE_FLOAT); // converts float16/float64/int
        } catch (const H5::Exception&) {
            throw NeuroDxError(ErrorKind::CorruptFile, file, "weight '" + weightName + "' of layer '" + layerName +
                                                                 "' cannot be read: the file is damaged or truncated");
        }
    }
    return weight;
}

KerasHdf5Content readOpenFile(const std::filesystem::path& path, const H5::H5File& h5)
{
    KerasHdf5Content content;
    content.file = path;
    const H5::Group root = h5.openGroup("/");
    content.modelConfig = stringAttribute(path, root, "model_config");

    H5::Group weights;
    if (root.attrExists("layer_names") || root.attrExists("layer_names0")) {
        weights = root;
    } else if (hasLink(root, "model_weights")) {
        weights = root.openGroup("model_weights");
        content.wholeModel = true;
    } else {
        throw NeuroDxError(ErrorKind::UnsupportedFormat, path,
                           "an HDF5 file, but not a Keras model or weight file (it has neither Keras' 'model_weights' group "
                           "with a 'model_config' attribute nor a 'layer_names' attribute)");
    }
    if (content.wholeModel && content.modelConfig.empty())
        throw NeuroDxError(ErrorKind::UnsupportedFormat, path, "a Keras 'model_weights' group without the 'model_config' attribute that describes the layers");

    // Keras writes the version and backend on the weights group; whole-model files repeat them at the root.
    content.kerasVersion = stringAttribute(path, root, "keras_version");
    if (content.kerasVersion.empty())
        content.kerasVersion = stringAttribute(path, weights, "keras_version");
    content.backend = stringAttribute(path, root, "backend");
    if (content.backend.empty())
        content.backend = stringAttribute(path, weights, "backend");
    if (auto names = stringsAttribute(path, root, "class_names"))
        content.classNames = *names;

    const auto layerNames = chunkedStringsAttribute(path, weights, "layer_names");
    if (!layerNames)
        throw NeuroDxError(ErrorKind::CorruptFile, path, "the Keras weights have no 'layer_names' attribute");
    content.layerNames = *layerNames;
    for (const std::string& name : content.layerNames) {
        if (!hasLink(weights, name))
            throw NeuroDxError(ErrorKind::CorruptFile, path, "layer '" + name + "' is listed in 'layer_names' but has no group");
        const H5::Group layer = weights.openGroup(name);
        const auto weightNames = chunkedStringsAttribute(path, layer, "weight_names");
        if (!weightNames || weightNames->empty())
            continue;
        KerasWeightGroup group{name, {}};
        for (const std::string& weightName : *weightNames)
            group.weights.push_back(readWeight(path, layer, name, weightName));
        content.groups.push_back(std::move(group));
    }
    return content;
}

} // namespace

bool isHdf5File(const std::filesystem::path& file)
{
    static constexpr std::array<char, 8> signature{'\x89', 'H', 'D', 'F', '\r', '\n', '\x1a', '\n'};
    std::ifstream in(file, std::ios::binary);
    std::array<char, 8> head{};
    return in.read(head.data(), head.size()) && head == signature;
}

bool isKerasModelFile(const std::filesystem::path& file)
{
    std::string extension = file.extension().string();
    for (char& c : extension)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return isHdf5File(file) || extension == ".h5" || extension == ".hdf5" || extension == ".keras";
}

namespace {

// What can be said without the HDF5 library, in this process.
void checkLooksLikeHdf5(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading (no such file)");
    if (std::filesystem::file_size(file, ec) == 0)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "the file is empty");
    if (!isHdf5File(file) && file.extension() == ".keras")
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "a Keras 3 .keras archive, which NeuroDx does not read: save the model as .h5 "
                                                               "in Keras (model.save(\"model.h5\")) and open that");
    if (!isHdf5File(file))
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "not an HDF5 file (Keras .h5 model and weight files are HDF5): damaged, or not a Keras file");
}

// The weights come back as float32: a few times the file's size at most (float16 files double,
// compressed ones grow a little). More means a crafted file claiming huge datasets.
std::size_t answerLimit(const std::filesystem::path& file)
{
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    return static_cast<std::size_t>(std::min<std::uintmax_t>(ec ? 0 : size, std::uintmax_t{1} << 36) * 8 + (std::size_t{64} << 20));
}

} // namespace

KerasHdf5Content readKerasHdf5InThisProcess(const std::filesystem::path& file)
{
    checkLooksLikeHdf5(file);
    const std::lock_guard<std::mutex> lock(hdf5Mutex());
    H5::Exception::dontPrint();
    H5::H5File h5;
    try {
        h5.openFile(file.string(), H5F_ACC_RDONLY);
    } catch (const H5::Exception&) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "an HDF5 file that cannot be opened: damaged or truncated");
    }
    try {
        return readOpenFile(file, h5);
    } catch (const H5::Exception&) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the HDF5 structure of this Keras file cannot be read: damaged or truncated");
    }
}

KerasHdf5Content readKerasHdf5(const std::filesystem::path& file)
{
    checkLooksLikeHdf5(file);
    if (!childProcessIsolationAvailable())
        return readKerasHdf5InThisProcess(file);
    // Reading the 98 MB ResNet50V2 weights takes about a second; a minute is generous.
    const ChildProcessResult result = runInChildProcess(
        [&file] {
            try {
                return encodeKerasHdf5Content(readKerasHdf5InThisProcess(file));
            } catch (const NeuroDxError& error) {
                return encodeKerasHdf5Error(error);
            }
        },
        std::chrono::seconds(60), answerLimit(file));
    switch (result.ending) {
    case ChildProcessResult::Ending::Returned:
        return decodeKerasHdf5Answer(result.output, file);
    case ChildProcessResult::Ending::Crashed:
        throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged or crafted: the HDF5 library crashed reading it (" + result.description +
                                                             ", in a child process; NeuroDx itself was not affected)");
    case ChildProcessResult::Ending::TimedOut:
        throw NeuroDxError(ErrorKind::CorruptFile, file, "damaged or crafted: the HDF5 library gave " + result.description + " reading it");
    case ChildProcessResult::Ending::Failed:
        break;
    }
    throw NeuroDxError(ErrorKind::CorruptFile, file, "could not be read: " + result.description);
}

} // namespace neurodx
