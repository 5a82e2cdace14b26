#pragma once

#include <string>
#include <vector>

namespace neurodx {

// ASCII-only case folding: file and folder names in datasets are compared byte-wise, and
// locale-dependent folding would make a scan differ between machines.
std::string toUpper(std::string text);
std::string toLower(std::string text);
std::string trim(const std::string& text);
bool startsWith(const std::string& text, const std::string& prefix);
bool endsWith(const std::string& text, const std::string& suffix);
std::string join(const std::vector<std::string>& parts, const std::string& separator);
// "1,234,567": counts in reports and tables.
std::string withThousands(long long value);

} // namespace neurodx
