#include "CliArguments.h"

#include <cstdlib>
#include <stdexcept>

namespace neurodx::cli {

CliArguments::CliArguments(std::vector<std::string> positional, std::set<std::string> flags, std::map<std::string, std::string> values,
                           std::map<std::string, std::string> defaults)
    : m_positional(std::move(positional)), m_flags(std::move(flags)), m_values(std::move(values)), m_defaults(std::move(defaults))
{
}

std::optional<std::string> CliArguments::value(const std::string& name) const
{
    const auto it = m_values.find(name);
    if (it == m_values.end())
        return std::nullopt;
    return it->second;
}

std::string CliArguments::value(const std::string& name, const std::string& fallback) const
{
    return value(name).value_or(fallback);
}

std::string CliArguments::text(const std::string& name) const
{
    if (const auto given = value(name))
        return *given;
    const auto it = m_defaults.find(name);
    return it == m_defaults.end() ? std::string() : it->second;
}

long long CliArguments::integer(const std::string& name) const
{
    const std::string t = text(name);
    char* end = nullptr;
    const long long parsed = std::strtoll(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0') // the parser checked given values: this is a declaration without a default
        throw std::logic_error("--" + name + " has no whole-number value or default");
    return parsed;
}

std::vector<std::string> CliArguments::listValue(const std::string& name, const std::vector<std::string>& fallback) const
{
    const auto given = value(name);
    if (!given)
        return fallback;
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= given->size()) {
        const std::size_t comma = given->find(',', start);
        const std::string item = given->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty())
            throw UsageError{"--" + name + " has an empty item in '" + *given + "'"};
        items.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return items;
}

} // namespace neurodx::cli
