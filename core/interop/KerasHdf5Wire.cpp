#include "KerasHdf5Wire.h"

#include "common/NeuroDxError.h"

#include <cstdint>
#include <cstring>

namespace neurodx {

namespace {

constexpr char contentTag[] = "NDXK1C";
constexpr char errorTag[] = "NDXK1E";
constexpr std::size_t tagSize = sizeof contentTag - 1;

class ByteWriter {
public:
    void number(std::uint64_t value) { raw(&value, sizeof value); }
    void text(const std::string& value)
    {
        number(value.size());
        m_bytes.append(value);
    }
    void texts(const std::vector<std::string>& values)
    {
        number(values.size());
        for (const std::string& value : values)
            text(value);
    }
    void raw(const void* data, std::size_t size) { m_bytes.append(static_cast<const char*>(data), size); }
    std::string take() { return std::move(m_bytes); }

private:
    std::string m_bytes;
};

class ByteReader {
public:
    ByteReader(const std::string& bytes, const std::filesystem::path& file) : m_bytes(bytes), m_file(file) {}

    std::uint64_t number()
    {
        std::uint64_t value = 0;
        raw(&value, sizeof value);
        return value;
    }
    // A count of items of at least `itemSize` bytes each: never more than the bytes left can hold.
    std::size_t count(std::size_t itemSize)
    {
        const std::uint64_t value = number();
        if (value > left() / (itemSize ? itemSize : 1))
            damaged();
        return static_cast<std::size_t>(value);
    }
    std::string text()
    {
        const std::size_t size = count(1);
        std::string value = m_bytes.substr(m_position, size);
        m_position += size;
        return value;
    }
    std::vector<std::string> texts()
    {
        std::vector<std::string> values(count(sizeof(std::uint64_t)));
        for (std::string& value : values)
            value = text();
        return values;
    }
    void raw(void* data, std::size_t size)
    {
        if (size > left())
            damaged();
        std::memcpy(data, m_bytes.data() + m_position, size);
        m_position += size;
    }
    bool atEnd() const { return m_position == m_bytes.size(); }
    [[noreturn]] void damaged() const
    {
        throw NeuroDxError(ErrorKind::CorruptFile, m_file, "reading this Keras file gave an answer NeuroDx cannot decode: damaged or crafted");
    }

private:
    std::size_t left() const { return m_bytes.size() - m_position; }

    const std::string& m_bytes;
    const std::filesystem::path& m_file;
    std::size_t m_position = tagSize;
};

// The message without the "file: " prefix NeuroDxError puts in front, so that it is not repeated.
std::string messageWithoutFile(const NeuroDxError& error)
{
    const std::string what = error.what();
    const std::string prefix = error.file().string() + ": ";
    return !error.file().empty() && what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

} // namespace

std::string encodeKerasHdf5Content(const KerasHdf5Content& content)
{
    ByteWriter out;
    out.raw(contentTag, tagSize);
    out.number(content.wholeModel ? 1 : 0);
    out.text(content.modelConfig);
    out.text(content.kerasVersion);
    out.text(content.backend);
    out.texts(content.classNames);
    out.texts(content.layerNames);
    out.number(content.groups.size());
    for (const KerasWeightGroup& group : content.groups) {
        out.text(group.name);
        out.number(group.weights.size());
        for (const KerasWeight& weight : group.weights) {
            out.text(weight.name);
            out.number(weight.shape.size());
            for (std::int64_t extent : weight.shape)
                out.number(static_cast<std::uint64_t>(extent));
            out.number(weight.values.size());
            out.raw(weight.values.data(), weight.values.size() * sizeof(float));
        }
    }
    return out.take();
}

std::string encodeKerasHdf5Error(const NeuroDxError& error)
{
    ByteWriter out;
    out.raw(errorTag, tagSize);
    out.number(static_cast<std::uint64_t>(error.kind()));
    out.text(messageWithoutFile(error));
    return out.take();
}

KerasHdf5Content decodeKerasHdf5Answer(const std::string& bytes, const std::filesystem::path& file)
{
    ByteReader in(bytes, file);
    if (bytes.size() < tagSize)
        in.damaged();
    if (bytes.compare(0, tagSize, errorTag) == 0) {
        const std::uint64_t kind = in.number();
        const std::string message = in.text();
        if (kind > static_cast<std::uint64_t>(ErrorKind::Cancelled) || !in.atEnd())
            in.damaged();
        throw NeuroDxError(static_cast<ErrorKind>(kind), file, message);
    }
    if (bytes.compare(0, tagSize, contentTag) != 0)
        in.damaged();
    KerasHdf5Content content;
    content.file = file;
    content.wholeModel = in.number() != 0;
    content.modelConfig = in.text();
    content.kerasVersion = in.text();
    content.backend = in.text();
    content.classNames = in.texts();
    content.layerNames = in.texts();
    content.groups.resize(in.count(2 * sizeof(std::uint64_t)));
    for (KerasWeightGroup& group : content.groups) {
        group.name = in.text();
        group.weights.resize(in.count(3 * sizeof(std::uint64_t))); // name length, rank, value count
        for (KerasWeight& weight : group.weights) {
            weight.name = in.text();
            weight.shape.resize(in.count(sizeof(std::uint64_t)));
            std::uint64_t points = 1;
            for (std::int64_t& extent : weight.shape) {
                const std::uint64_t value = in.number();
                if (value > (std::uint64_t{1} << 40) || (value > 0 && points > (std::uint64_t{1} << 62) / value))
                    in.damaged();
                extent = static_cast<std::int64_t>(value);
                points *= value;
            }
            weight.values.resize(in.count(sizeof(float)));
            // Tensors are built over `values` with `shape`: they must agree, whatever the child said.
            if (points != weight.values.size())
                in.damaged();
            in.raw(weight.values.data(), weight.values.size() * sizeof(float));
        }
    }
    if (!in.atEnd())
        in.damaged();
    return content;
}

} // namespace neurodx
