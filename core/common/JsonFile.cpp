#include "JsonFile.h"

#include "common/AtomicFile.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

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
        throw NeuroDxError(ErrorKind::CorruptFile, file, "not valid JSON (" + conciseReason(e.what()) + "): the file is damaged");
    }
}

std::string jsonText(const nlohmann::json& json, int indent)
{
    return json.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

void writeJsonFile(const std::filesystem::path& file, const nlohmann::json& json, int indent)
{
    writeFileAtomically(file, jsonText(json, indent) + "\n");
}

} // namespace neurodx
