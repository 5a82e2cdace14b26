#include "JsonFile.h"

#include "common/NeuroDxError.h"

#include <fstream>

namespace neurodx {

nlohmann::json readJsonFile(const std::filesystem::path& file)
{
    std::ifstream in(file);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not valid JSON: ") + e.what());
    }
}

} // namespace neurodx
