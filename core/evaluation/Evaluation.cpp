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

    report.sliceCalibration = calibrationMetrics(labels, probabilities);
    addCalibrationIntervals(report.sliceCalibration, labels, probabilities, bootstrapResamples, seed);
    report.groupKeys = groupKeys;

    const GroupedCases subjects = groupedBySubject(labels, probabilities, groupKeys, classNames.size());
    report.subjects = classificationMetrics(subjects.labels, subjects.probabilities, classes);
    addBootstrapIntervals(report.subjects, subjects.labels, subjects.probabilities, classes, bootstrapResamples, seed);
    report.subjectCalibration = calibrationMetrics(subjects.labels, subjects.probabilities);
    addCalibrationIntervals(report.subjectCalibration, subjects.labels, subjects.probabilities, bootstrapResamples, seed);
    return report;
}

GroupedCases groupedBySubject(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                              const std::vector<std::string>& groupKeys, std::size_t classes)
{
    struct Subject {
        std::vector<double> sum;
        std::map<int, int> labelCounts;
        int slices = 0;
    };
    std::map<std::string, Subject> subjects;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        Subject& s = subjects[groupKeys[i]];
        s.sum.resize(classes, 0.0);
        for (std::size_t c = 0; c < classes; ++c)
            s.sum[c] += probabilities[i][c];
        ++s.labelCounts[labels[i]];
        ++s.slices;
    }
    GroupedCases grouped;
    for (auto& [key, s] : subjects) {
        for (double& v : s.sum)
            v /= s.slices;
        grouped.probabilities.push_back(s.sum);
        grouped.labels.push_back(std::max_element(s.labelCounts.begin(), s.labelCounts.end(),
                                                  [](const auto& a, const auto& b) { return a.second < b.second; })->first);
    }
    return grouped;
}

void addRawCalibration(EvaluationReport& report, const std::vector<std::vector<double>>& rawProbabilities, double temperature,
                       std::size_t fitSlices, int bootstrapResamples, std::uint64_t seed)
{
    report.temperature = temperature;
    report.calibrationSlices = fitSlices;
    report.rawSliceCalibration = calibrationMetrics(report.labels, rawProbabilities);
    addCalibrationIntervals(*report.rawSliceCalibration, report.labels, rawProbabilities, bootstrapResamples, seed);
    const GroupedCases subjects = groupedBySubject(report.labels, rawProbabilities, report.groupKeys, report.classNames.size());
    report.rawSubjectCalibration = calibrationMetrics(subjects.labels, subjects.probabilities);
    addCalibrationIntervals(*report.rawSubjectCalibration, subjects.labels, subjects.probabilities, bootstrapResamples, seed);
}

nlohmann::json toJson(const EvaluationReport& report)
{
    nlohmann::json calibration{{"calibrated", report.calibrationSlices > 0},
                               {"temperature", report.temperature},
                               {"fitted_on_validation_slices", report.calibrationSlices},
                               {"slice_level", toJson(report.sliceCalibration)},
                               {"subject_level", toJson(report.subjectCalibration)}};
    if (report.rawSliceCalibration)
        calibration["slice_level_raw"] = toJson(*report.rawSliceCalibration);
    if (report.rawSubjectCalibration)
        calibration["subject_level_raw"] = toJson(*report.rawSubjectCalibration);
    return {{"class_names", report.classNames},
            {"loss", report.loss},
            {"slice_level", toJson(report.slices, report.classNames)},
            {"subject_level", toJson(report.subjects, report.classNames)},
            {"calibration", calibration}};
}

std::string evaluationPredictionsCsv(const DatasetIndex& index, const SliceCache& cache, const EvaluationReport& report)
{
    return predictionsCsv(evaluatedSlices(index, cache, report), index.root);
}

} // namespace neurodx
