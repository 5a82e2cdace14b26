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

// A command line as parsed (parseCommandLine): the positional arguments in order, the switches
// given, the values given, and each declared option's default. Values were checked against their
// declared range when parsed, so reading them cannot fail on the user's input.
class CliArguments {
public:
    CliArguments(std::vector<std::string> positional, std::set<std::string> flags, std::map<std::string, std::string> values,
                 std::map<std::string, std::string> defaults);

    const std::vector<std::string>& positional() const { return m_positional; }
    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    // The value given on the command line, if any.
    std::optional<std::string> value(const std::string& name) const;
    std::string value(const std::string& name, const std::string& fallback) const;
    // The value given, else the option's declared default (an option declared without one: "").
    std::string text(const std::string& name) const;
    long long integer(const std::string& name) const;
    // A comma-separated value (given, else `fallback`); an empty item is a UsageError.
    std::vector<std::string> listValue(const std::string& name, const std::vector<std::string>& fallback) const;

private:
    std::vector<std::string> m_positional;
    std::set<std::string> m_flags;
    std::map<std::string, std::string> m_values;
    std::map<std::string, std::string> m_defaults;
};

} // namespace neurodx::cli
