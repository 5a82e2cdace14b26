#include "Evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace neurodx {

EvaluationReport evaluationReport(const DatasetIndex& index, const SliceCache& cache, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& classNames, int bootstrapResamples, std::uint64_t seed)
{
    EvaluationReport report;
    report.classNames = classNames;
    report.labels = cache.labels;
    report.probabilities = probabilities;
    const int classes = static_cast<int>(classNames.size());
    double lossSum = 0;
    for (std::size_t i = 0; i < probabilities.size(); ++i)
        lossSum -= std::log(std::max(1e-12, probabilities[i][static_cast<std::size_t>(cache.labels[i])]));
    report.loss = probabilities.empty() ? 0.0 : lossSum / static_cast<double>(probabilities.size());
    report.slices = classificationMetrics(cache.labels, probabilities, classes);
    addBootstrapIntervals(report.slices, cache.labels, probabilities, classes, bootstrapResamples, seed);

    struct Subject {
        std::vector<double> sum;
        std::map<int, int> labelCounts;
        int slices = 0;
    };
    std::map<std::string, Subject> subjects;
    for (std::size_t i = 0; i < cache.size(); ++i) {
        Subject& s = subjects[index.entries.at(cache.entries[i]).groupKey()];
        s.sum.resize(classNames.size(), 0.0);
        for (std::size_t c = 0; c < classNames.size(); ++c)
            s.sum[c] += probabilities[i][c];
        ++s.labelCounts[cache.labels[i]];
        ++s.slices;
    }
    std::vector<int> subjectLabels;
    std::vector<std::vector<double>> subjectProbabilities;
    for (auto& [key, s] : subjects) {
        for (double& v : s.sum)
            v /= s.slices;
        subjectProbabilities.push_back(s.sum);
        subjectLabels.push_back(std::max_element(s.labelCounts.begin(), s.labelCounts.end(),
                                                 [](const auto& a, const auto& b) { return a.second < b.second; })->first);
    }
    report.subjects = classificationMetrics(subjectLabels, subjectProbabilities, classes);
    addBootstrapIntervals(report.subjects, subjectLabels, subjectProbabilities, classes, bootstrapResamples, seed);
    return report;
}

nlohmann::json toJson(const EvaluationReport& report)
{
    return {{"class_names", report.classNames},
            {"loss", report.loss},
            {"slice_level", toJson(report.slices, report.classNames)},
            {"subject_level", toJson(report.subjects, report.classNames)}};
}

std::string evaluationPredictionsCsv(const DatasetIndex& index, const SliceCache& cache, const EvaluationReport& report)
{
    std::string csv = "path,subject,true,predicted,confidence";
    for (const std::string& name : report.classNames)
        csv += ",p_" + name;
    csv += "\n";
    char number[32];
    for (std::size_t i = 0; i < cache.size(); ++i) {
        const DatasetEntry& entry = index.entries.at(cache.entries[i]);
        const auto& p = report.probabilities[i];
        const auto predicted = static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
        std::snprintf(number, sizeof number, "%.8f", p[predicted]);
        csv += "\"" + entry.path + "\"," + entry.subject + "," + report.classNames.at(static_cast<std::size_t>(cache.labels[i])) + "," +
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
