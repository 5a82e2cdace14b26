#include "TextTable.h"

#include "common/TextUtil.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace neurodx::cli {

namespace {

bool looksNumeric(const std::string& cell)
{
    return !cell.empty() && std::all_of(cell.begin(), cell.end(), [](unsigned char c) {
        return std::isdigit(c) || c == ',' || c == '.' || c == '%' || c == '-' || c == ' ';
    });
}

} // namespace

TextTable::TextTable(std::vector<std::string> header) : m_header(std::move(header)) {}

void TextTable::addRow(std::vector<std::string> cells)
{
    cells.resize(m_header.size());
    for (std::string& cell : cells)
        cell = validUtf8(cell); // file names and DICOM values may hold any bytes
    m_rows.push_back(std::move(cells));
}

void TextTable::addSeparator() { m_rows.emplace_back(); }

std::string TextTable::render() const
{
    std::vector<std::size_t> widths;
    for (const std::string& h : m_header)
        widths.push_back(displayWidth(h));
    for (const auto& row : m_rows)
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], displayWidth(row[c]));

    const auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t c = 0; c < widths.size(); ++c) {
            const std::string& cell = cells[c];
            const std::string pad(widths[c] - displayWidth(cell), ' ');
            out += (c == 0 ? "" : "  ") + (c > 0 && looksNumeric(cell) ? pad + cell : cell + pad);
        }
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        return out + "\n";
    };
    std::string rule;
    for (std::size_t c = 0; c < widths.size(); ++c)
        rule += (c == 0 ? "" : "  ") + std::string(widths[c], '-');
    std::string out = line(m_header) + rule + "\n";
    for (const auto& row : m_rows)
        out += row.empty() ? rule + "\n" : line(row);
    return out;
}

std::string fixedPoint(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

} // namespace neurodx::cli
