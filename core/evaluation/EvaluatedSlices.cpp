#include "EvaluatedSlices.h"

#include "common/TextUtil.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace neurodx {

int EvaluatedSlices::predicted(std::size_t i) const
{
    const auto& p = report.probabilities.at(i);
    return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

std::vector<std::size_t> EvaluatedSlices::misclassified() const
{
    std::vector<std::size_t> wrong;
    for (std::size_t i = 0; i < report.labels.size(); ++i)
        if (predicted(i) != report.labels[i])
            wrong.push_back(i);
    const auto confidence = [&](std::size_t i) { return report.probabilities[i][static_cast<std::size_t>(predicted(i))]; };
    std::stable_sort(wrong.begin(), wrong.end(), [&](std::size_t a, std::size_t b) { return confidence(a) > confidence(b); });
    return wrong;
}

EvaluatedSlices evaluatedSlices(const DatasetIndex& index, const SliceCache& cache, EvaluationReport report)
{
    EvaluatedSlices result;
    result.report = std::move(report);
    result.files.reserve(cache.size());
    result.subjects.reserve(cache.size());
    for (const std::size_t e : cache.entries) {
        const DatasetEntry& entry = index.entries.at(e);
        result.files.push_back(index.absolutePath(entry).string());
        result.subjects.push_back(entry.subject);
    }
    return result;
}

std::string predictionsCsv(const EvaluatedSlices& slices, const std::filesystem::path& datasetRoot)
{
    const EvaluationReport& report = slices.report;
    std::string csv = "path,subject,true,predicted,confidence";
    for (const std::string& name : report.classNames)
        csv += ",p_" + name;
    csv += "\n";
    char number[32];
    for (std::size_t i = 0; i < slices.size(); ++i) {
        const auto& p = report.probabilities[i];
        const auto predicted = static_cast<std::size_t>(slices.predicted(i));
        std::snprintf(number, sizeof number, "%.8f", p[predicted]);
        const std::filesystem::path file(slices.files[i]);
        const std::string path = (datasetRoot.empty() ? file : file.lexically_relative(datasetRoot)).generic_string();
        csv += csvField(path) + "," + csvField(slices.subjects[i]) + "," + report.classNames.at(static_cast<std::size_t>(report.labels[i])) + "," +
               report.classNames.at(predicted) + "," + number;
        for (double v : p) {
            std::snprintf(number, sizeof number, "%.8f", v);
            csv += std::string(",") + number;
        }
        csv += "\n";
    }
    return csv;
}

} // namespace neurodx
