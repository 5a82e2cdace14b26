#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// One row of ADNI's download metadata CSV ("Image Data ID","Subject","Group","Sex","Age",...).
struct MetadataRecord {
    std::string imageDataId; // "I13722"
    std::string subject;     // "002_S_0295"
    std::string group;       // "CN", "MCI", "AD", "EMCI"...: mapped to a class by the ClassScheme
    std::string visit;       // "bl", "sc", "m06"... (empty when the CSV has no Visit column)
    std::string acquisitionDate; // "Acq Date" as ISO YYYY-MM-DD (ADNI writes M/D/YYYY); empty if absent or unreadable
    std::string description; // "MPRAGE", "MT1; N3m"...
};

// "4/18/2006" or "2006-04-18" as "2006-04-18"; empty when it is neither.
std::string isoDate(const std::string& text);

// The CSV as a lookup from image id. Column names are matched case-insensitively and in any order;
// "Image Data ID" (or "Image ID"), "Subject" (or "Subject ID", "PTID") and "Group" (or "DX_Group",
// "Research Group") are recognised, and "Visit", "Acq Date" and "Description" where present.
class MetadataTable {
public:
    // Throws NeuroDxError naming the file when it cannot be read or lacks the id and subject columns.
    static MetadataTable load(const std::filesystem::path& csvFile);
    static MetadataTable parse(const std::string& csvText, const std::filesystem::path& origin = {});

    std::optional<MetadataRecord> find(const std::string& imageDataId) const;
    std::size_t size() const { return m_byImageId.size(); }
    const std::vector<std::string>& warnings() const { return m_warnings; }

private:
    std::map<std::string, MetadataRecord> m_byImageId;
    std::vector<std::string> m_warnings;
};

// RFC 4180 fields: quotes, doubled quotes, commas and newlines inside quotes, CRLF.
std::vector<std::vector<std::string>> parseCsv(const std::string& text);

} // namespace neurodx
