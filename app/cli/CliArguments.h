#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace neurodx::cli {

// Thrown for anything the user typed wrong; main() prints it with the usage hint and exits 2.
struct UsageError {
    std::string message;
};

// "--name value", "--name=value" and boolean "--flag"; everything else is positional.
// Only declared options are accepted, so a typo is an error rather than silently ignored.
class CliArguments {
public:
    CliArguments(const std::vector<std::string>& args, const std::set<std::string>& valueOptions,
                 const std::set<std::string>& flagOptions);

    const std::vector<std::string>& positional() const { return m_positional; }
    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    std::string value(const std::string& name, const std::string& fallback) const;
    int intValue(const std::string& name, int fallback, int minimum, int maximum) const;
    double doubleValue(const std::string& name, double fallback, double minimum, double maximum) const;
    std::vector<std::string> listValue(const std::string& name, const std::vector<std::string>& fallback) const;

    // Exactly `count` positional arguments, named in the error message.
    void requirePositional(std::size_t count, const std::string& what) const;

private:
    std::vector<std::string> m_positional;
    std::set<std::string> m_flags;
    std::map<std::string, std::string> m_values;
};

} // namespace neurodx::cli
