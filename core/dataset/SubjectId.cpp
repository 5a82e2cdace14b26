#include "SubjectId.h"

#include "dataset/PatientPseudonym.h"

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace neurodx {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool digitsAt(const std::string& s, std::size_t pos, std::size_t count)
{
    if (pos + count > s.size())
        return false;
    for (std::size_t i = 0; i < count; ++i) {
        if (!isDigit(s[pos + i]))
            return false;
    }
    return true;
}

// Finds SSS_S_NNNN with no digit directly before or after; returns its start.
std::optional<std::size_t> findPtid(const std::string& s)
{
    for (std::size_t pos = s.find("_S_"); pos != std::string::npos; pos = s.find("_S_", pos + 1)) {
        if (pos < 3)
            continue;
        const std::size_t start = pos - 3;
        if (!digitsAt(s, start, 3) || !digitsAt(s, pos + 3, 4))
            continue;
        if (start > 0 && isDigit(s[start - 1]))
            continue;
        if (pos + 7 < s.size() && isDigit(s[pos + 7]))
            continue;
        return start;
    }
    return std::nullopt;
}

// "a120" directly after the subject in the extracted-axial naming.
std::optional<int> axialSliceAfter(const std::string& stem, std::size_t subjectEnd)
{
    if (subjectEnd >= stem.size() || (stem[subjectEnd] != 'a' && stem[subjectEnd] != 'A'))
        return std::nullopt;
    std::size_t pos = subjectEnd + 1;
    int value = 0;
    std::size_t digits = 0;
    while (pos < stem.size() && isDigit(stem[pos]) && digits < 6) {
        value = value * 10 + (stem[pos] - '0');
        ++pos;
        ++digits;
    }
    if (digits == 0 || pos != stem.size())
        return std::nullopt;
    return value;
}

// "_a064" (or _c, _s) closing the name of a slice NeuroDx's import wrote.
std::optional<int> importedSliceAtEnd(const std::string& stem)
{
    const std::size_t underscore = stem.rfind('_');
    if (underscore == std::string::npos || underscore + 2 >= stem.size())
        return std::nullopt;
    const char plane = stem[underscore + 1];
    if ((plane != 'a' && plane != 'c' && plane != 's') || !digitsAt(stem, underscore + 2, stem.size() - underscore - 2) || stem.size() - underscore - 2 > 6)
        return std::nullopt;
    return std::stoi(stem.substr(underscore + 2));
}

// ADNI image ids: "_I13722" at the end of a download name, or a folder named "I13722".
std::optional<std::string> imageDataIdIn(const std::string& part)
{
    const auto isId = [](const std::string& s, std::size_t from) {
        return from + 1 < s.size() && (s[from] == 'I' || s[from] == 'i') && digitsAt(s, from + 1, s.size() - from - 1);
    };
    if (isId(part, 0))
        return "I" + part.substr(1);
    const std::size_t underscore = part.rfind('_');
    if (underscore != std::string::npos && isId(part, underscore + 1))
        return "I" + part.substr(underscore + 2);
    return std::nullopt;
}

} // namespace

PathIdentity identityFromPath(const std::string& path)
{
    const std::filesystem::path p(path);
    std::vector<std::string> parts; // file stem first, then folders nearest first
    parts.push_back(p.stem().string());
    for (std::filesystem::path dir = p.parent_path(); !dir.empty() && dir.has_filename(); dir = dir.parent_path()) {
        parts.push_back(dir.filename().string());
        if (dir == dir.parent_path())
            break;
    }

    PathIdentity identity;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        if (!identity.subject) {
            if (const auto start = findPtid(part)) {
                identity.subject = part.substr(*start, 10);
                if (i == 0) {
                    identity.sliceIndex = axialSliceAfter(part, *start + 10);
                    if (!identity.sliceIndex)
                        identity.sliceIndex = importedSliceAtEnd(part);
                }
            }
        }
        if (!identity.imageDataId)
            identity.imageDataId = imageDataIdIn(part);
        if (identity.subject && identity.imageDataId)
            break;
    }
    return identity;
}

std::optional<std::string> subjectIdFromPath(const std::string& path)
{
    return identityFromPath(path).subject;
}

std::string subjectFromPatientId(const std::string& patientId)
{
    if (const auto ptid = subjectIdFromPath(patientId); ptid && *ptid == patientId)
        return patientId;
    return patientPseudonym(patientId);
}

} // namespace neurodx
