#include "ClassScheme.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <set>

namespace neurodx {

namespace {

std::vector<std::string> defaultAliases(const std::string& upperName)
{
    if (upperName == "CN")
        return {"NC", "Normal", "Control", "Controls", "HC"};
    if (upperName == "MCI")
        return {"CI", "EMCI", "LMCI"};
    if (upperName == "AD")
        return {"Dementia", "Alzheimer", "Alzheimers", "Alzheimer's"};
    return {};
}

} // namespace

ClassScheme ClassScheme::adniDefault()
{
    return fromNames({"CN", "MCI", "AD"});
}

ClassScheme ClassScheme::fromNames(const std::vector<std::string>& names)
{
    std::vector<DiagnosticClass> classes;
    for (const std::string& name : names)
        classes.push_back({name, defaultAliases(toUpper(trim(name)))});
    return ClassScheme(std::move(classes));
}

ClassScheme::ClassScheme(std::vector<DiagnosticClass> classes) : m_classes(std::move(classes))
{
    if (m_classes.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "the class list is empty");
    std::set<std::string> seen;
    for (DiagnosticClass& c : m_classes) {
        c.name = trim(c.name);
        if (c.name.empty())
            throw NeuroDxError(ErrorKind::InvalidArgument, "a class name is empty");
        for (const std::string& key : [&] {
                 std::vector<std::string> keys{c.name};
                 keys.insert(keys.end(), c.aliases.begin(), c.aliases.end());
                 return keys;
             }()) {
            if (!seen.insert(toUpper(key)).second)
                throw NeuroDxError(ErrorKind::InvalidArgument,
                                   "class name or alias '" + key + "' is used twice");
        }
    }
}

std::optional<int> ClassScheme::labelOf(const std::string& folderOrGroup) const
{
    const std::string key = toUpper(trim(folderOrGroup));
    for (std::size_t label = 0; label < m_classes.size(); ++label) {
        if (toUpper(m_classes[label].name) == key)
            return static_cast<int>(label);
        for (const std::string& alias : m_classes[label].aliases) {
            if (toUpper(alias) == key)
                return static_cast<int>(label);
        }
    }
    return std::nullopt;
}

std::vector<std::string> ClassScheme::names() const
{
    std::vector<std::string> result;
    for (const DiagnosticClass& c : m_classes)
        result.push_back(c.name);
    return result;
}

} // namespace neurodx
