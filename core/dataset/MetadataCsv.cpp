#include "MetadataCsv.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace neurodx {

std::vector<std::vector<std::string>> parseCsv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool inQuotes = false;
    bool rowHasContent = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inQuotes) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                inQuotes = false;
            } else {
                field += c;
            }
            continue;
        }
        if (c == '"') {
            inQuotes = true;
            rowHasContent = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            rowHasContent = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            if (rowHasContent || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            rowHasContent = false;
        } else {
            field += c;
            rowHasContent = true;
        }
    }
    if (rowHasContent || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string isoDate(const std::string& text)
{
    int a = 0, b = 0, c = 0;
    char s1 = 0, s2 = 0;
    char rest = 0;
    const int fields = std::sscanf(text.c_str(), "%d%c%d%c%d%c", &a, &s1, &b, &s2, &c, &rest);
    if (fields < 5 || (fields == 6 && rest != ' ' && rest != 'T'))
        return {};
    int year = 0, month = 0, day = 0;
    if (s1 == '/' && s2 == '/')
        year = c, month = a, day = b; // ADNI: month/day/year
    else if (s1 == '-' && s2 == '-')
        year = a, month = b, day = c;
    else
        return {};
    if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31)
        return {};
    char iso[16];
    std::snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, month, day);
    return iso;
}

namespace {

int columnOf(const std::vector<std::string>& header, std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (toUpper(trim(header[i])) == toUpper(name))
                return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace

MetadataTable MetadataTable::load(const std::filesystem::path& csvFile)
{
    std::ifstream in(csvFile, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, csvFile, "the metadata CSV cannot be opened");
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), csvFile);
}

MetadataTable MetadataTable::parse(const std::string& csvText, const std::filesystem::path& origin)
{
    std::string text = csvText;
    if (startsWith(text, "\xEF\xBB\xBF"))
        text.erase(0, 3); // Excel's UTF-8 byte order mark
    const auto rows = parseCsv(text);
    if (rows.empty())
        throw NeuroDxError(ErrorKind::CorruptFile, origin, "the metadata CSV is empty");

    const auto& header = rows.front();
    const int idColumn = columnOf(header, {"Image Data ID", "Image ID", "ImageID", "Image_Data_ID"});
    const int subjectColumn = columnOf(header, {"Subject", "Subject ID", "PTID", "Subject_ID"});
    const int groupColumn = columnOf(header, {"Group", "DX_Group", "Research Group", "DX"});
    const int visitColumn = columnOf(header, {"Visit", "VISCODE", "Visit Code"});
    const int dateColumn = columnOf(header, {"Acq Date", "Acquisition Date", "Scan Date", "EXAMDATE"});
    const int descriptionColumn = columnOf(header, {"Description", "Series Description"});
    if (idColumn < 0 || subjectColumn < 0)
        throw NeuroDxError(ErrorKind::CorruptFile, origin,
                           "the metadata CSV needs the columns \"Image Data ID\" and \"Subject\" "
                           "(ADNI's download format); found: " + join(header, ", "));

    MetadataTable table;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        const auto cell = [&](int column) {
            return column >= 0 && static_cast<std::size_t>(column) < row.size() ? trim(row[static_cast<std::size_t>(column)]) : std::string();
        };
        MetadataRecord record{cell(idColumn), cell(subjectColumn), cell(groupColumn), cell(visitColumn), isoDate(cell(dateColumn)), cell(descriptionColumn)};
        if (record.imageDataId.empty() || record.subject.empty()) {
            table.m_warnings.push_back("metadata row " + std::to_string(r + 1) + " lacks an image id or subject; ignored");
            continue;
        }
        if (record.imageDataId.front() != 'I' && record.imageDataId.front() != 'i')
            record.imageDataId = "I" + record.imageDataId; // some exports drop ADNI's "I" prefix
        record.imageDataId[0] = 'I';
        const auto [it, inserted] = table.m_byImageId.emplace(record.imageDataId, record);
        if (!inserted && (it->second.subject != record.subject || it->second.group != record.group))
            table.m_warnings.push_back("metadata lists image " + record.imageDataId + " twice with different values; the first row is used");
    }
    return table;
}

std::optional<MetadataRecord> MetadataTable::find(const std::string& imageDataId) const
{
    const auto it = m_byImageId.find(imageDataId);
    if (it == m_byImageId.end())
        return std::nullopt;
    return it->second;
}

} // namespace neurodx
