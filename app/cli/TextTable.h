#pragma once

#include <string>
#include <vector>

namespace neurodx::cli {

// A plain-text table with aligned columns: text left, numbers right.
class TextTable {
public:
    explicit TextTable(std::vector<std::string> header);
    void addRow(std::vector<std::string> cells);
    void addSeparator();
    std::string render() const;

private:
    std::vector<std::string> m_header;
    std::vector<std::vector<std::string>> m_rows; // an empty row is a separator
};

// A number with a fixed count of decimals ("0.875"), for tables and summaries.
std::string fixedPoint(double value, int decimals = 3);

} // namespace neurodx::cli
