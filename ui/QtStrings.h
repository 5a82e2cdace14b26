#pragma once

#include <QStringList>

#include <string>
#include <vector>

namespace neurodx::ui {

// Engine names (class names, stages) as Qt strings.
inline QStringList toQStringList(const std::vector<std::string>& names)
{
    QStringList list;
    for (const std::string& n : names)
        list << QString::fromStdString(n);
    return list;
}

} // namespace neurodx::ui
