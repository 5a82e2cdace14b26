#include "Evaluation.h"

#include "evaluation/EvaluatedSlices.h"

#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace neurodx {

EvaluationReport evaluationReport(const DatasetIndex& index, const SliceCache& cache, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& classNames, int bootstrapResamples, std::uint64_t seed)
{
    std::vector<std::string> groupKeys;
    groupKeys.reserve(cache.size());
    for (std::size_t i = 0; i < cache.size(); ++i)
        groupKeys.push_back(index.entries.at(cache.entries[i]).groupKey());
    return evaluationReport(cache.labels, probabilities, groupKeys, classNames, bootstrapResamples, seed);
}

EvaluationReport evaluationReport(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                                  const std::vector<std::string>& groupKeys, const std::vector<std::string>& classNames,
                                  int bootstrapResamples, std::uint64_t seed)
{
    if (labels.size() != probabilities.size() || labels.size() != groupKeys.size())
        throw NeuroDxError(ErrorKind::InvalidArgument, "evaluation: labels, probabilities and subjects differ in number");
    EvaluationReport report;
    report.classNames = classNames;
    report.labels = labels;
    report.probabilities = probabilities;
    const int classes = static_cast<int>(classNames.size());
    double lossSum = 0;
    for (std::size_t i = 0; i < probabilities.size(); ++i)
        lossSum -= std::log(std::max(1e-12, probabilities[i].at(static_cast<std::size_t>(labels[i]))));
    report.loss = probabilities.empty() ? 0.0 : lossSum / static_cast<double>(probabilities.size());
    report.slices = classificationMetrics(labels, probabilities, classes);
    addBootstrapIntervals(report.slices, labels, probabilities, classes, bootstrapResamples, seed);

    struct Subject {
        std::vector<double> sum;
        std::map<int, int> labelCounts;
        int slices = 0;
    };
    std::map<std::string, Subject> subjects;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        Subject& s = subjects[groupKeys[i]];
        s.sum.resize(classNames.size(), 0.0);
        for (std::size_t c = 0; c < classNames.size(); ++c)
            s.sum[c] += probabilities[i][c];
        ++s.labelCounts[labels[i]];
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
    return predictionsCsv(evaluatedSlices(index, cache, report), index.root);
}

} // namespace neurodx
