#pragma once

#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// The diagnostic classes a dataset is sorted into, in label order, and the folder names
// (aliases) that mean each class. The default is the seed's order: CN = 0, MCI = 1, AD = 2.
struct DiagnosticClass {
    std::string name;
    std::vector<std::string> aliases; // matched case-insensitively; the name itself always matches
};

class ClassScheme {
public:
    // CN (NC, Normal, Control), MCI (CI, EMCI, LMCI), AD (Dementia, Alzheimer).
    static ClassScheme adniDefault();

    // Classes by name in the given order, with the default aliases where a name is known.
    // Throws NeuroDxError(InvalidArgument) on an empty list, an empty or duplicate name.
    static ClassScheme fromNames(const std::vector<std::string>& names);

    explicit ClassScheme(std::vector<DiagnosticClass> classes);

    // The label of a folder name or metadata group ("ad", "Dementia", "EMCI"...), if any.
    std::optional<int> labelOf(const std::string& folderOrGroup) const;

    int size() const { return static_cast<int>(m_classes.size()); }
    const std::string& name(int label) const { return m_classes.at(static_cast<std::size_t>(label)).name; }
    std::vector<std::string> names() const;
    const std::vector<DiagnosticClass>& classes() const { return m_classes; }

private:
    std::vector<DiagnosticClass> m_classes;
};

} // namespace neurodx
