#include "CliArguments.h"

#include <cstdlib>

namespace neurodx::cli {

CliArguments::CliArguments(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                           const std::set<std::string>& flagOptions)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
            m_positional.push_back(arg);
            continue;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name.resize(eq);
        }
        if (flagOptions.count(name)) {
            if (inlineValue)
                throw UsageError{"--" + name + " takes no value"};
            m_flags.insert(name);
        } else if (valueOptions.count(name)) {
            if (!inlineValue) {
                if (i + 1 >= args.size())
                    throw UsageError{"--" + name + " needs a value"};
                inlineValue = args[++i];
            }
            m_values[name] = *inlineValue;
        } else {
            throw UsageError{"unknown option --" + name};
        }
    }
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

int CliArguments::intValue(const std::string& name, int fallback, int minimum, int maximum) const
{
    const auto text = value(name);
    if (!text)
        return fallback;
    char* end = nullptr;
    const long parsed = std::strtol(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || parsed < minimum || parsed > maximum)
        throw UsageError{"--" + name + " must be a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum) + ", not '" + *text + "'"};
    return static_cast<int>(parsed);
}

double CliArguments::doubleValue(const std::string& name, double fallback, double minimum, double maximum) const
{
    const auto text = value(name);
    if (!text)
        return fallback;
    char* end = nullptr;
    const double parsed = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0' || !(parsed >= minimum && parsed <= maximum))
        throw UsageError{"--" + name + " must be a number from " + std::to_string(minimum) + " to " + std::to_string(maximum) + ", not '" + *text + "'"};
    return parsed;
}

std::vector<std::string> CliArguments::listValue(const std::string& name, const std::vector<std::string>& fallback) const
{
    const auto text = value(name);
    if (!text)
        return fallback;
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text->size()) {
        const std::size_t comma = text->find(',', start);
        const std::string item = text->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (item.empty())
            throw UsageError{"--" + name + " has an empty item in '" + *text + "'"};
        items.push_back(item);
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return items;
}

void CliArguments::requirePositional(std::size_t count, const std::string& what) const
{
    if (m_positional.size() < count)
        throw UsageError{"missing " + what};
    if (m_positional.size() > count)
        throw UsageError{"unexpected argument '" + m_positional[count] + "'"};
}

} // namespace neurodx::cli
