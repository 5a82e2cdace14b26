#include "Evaluation.h"

#include "evaluation/EvaluatedSlices.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "common/TextUtil.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
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

std::vector<SubjectVerdict> subjectVerdicts(const EvaluationReport& report, int bootstrapResamples, std::uint64_t seed)
{
    std::map<std::string, std::vector<std::size_t>> slicesOf;
    for (std::size_t i = 0; i < report.groupKeys.size(); ++i)
        slicesOf[report.groupKeys[i]].push_back(i);
    std::vector<SubjectVerdict> verdicts;
    SeededRandom random(SeededRandom::derive(seed, 0x5B1Eull));
    for (const auto& [subject, slices] : slicesOf) {
        SubjectVerdict v;
        v.subject = subject;
        v.slices = slices.size();
        v.probabilities.assign(report.classNames.size(), 0.0);
        std::map<int, int> labelCounts;
        for (const std::size_t i : slices) {
            for (std::size_t c = 0; c < v.probabilities.size(); ++c)
                v.probabilities[c] += report.probabilities[i][c] / static_cast<double>(slices.size());
            ++labelCounts[report.labels[i]];
        }
        v.label = std::max_element(labelCounts.begin(), labelCounts.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
        v.predicted = static_cast<int>(std::max_element(v.probabilities.begin(), v.probabilities.end()) - v.probabilities.begin());
        const auto verdict = static_cast<std::size_t>(v.predicted);
        std::size_t agreeing = 0;
        for (const std::size_t i : slices) {
            const auto& p = report.probabilities[i];
            agreeing += static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin()) == verdict ? 1 : 0;
        }
        v.agreement = static_cast<double>(agreeing) / static_cast<double>(slices.size());
        std::vector<double> means;
        for (int r = 0; r < bootstrapResamples; ++r) {
            double sum = 0;
            for (std::size_t n = 0; n < slices.size(); ++n)
                sum += report.probabilities[slices[random.below(slices.size())]][verdict];
            means.push_back(sum / static_cast<double>(slices.size()));
        }
        v.confidence = means.empty() ? Interval{v.probabilities[verdict], v.probabilities[verdict]} : percentileInterval(means);
        verdicts.push_back(std::move(v));
    }
    return verdicts;
}

std::string subjectsCsv(const std::vector<SubjectVerdict>& verdicts, const std::vector<std::string>& classNames)
{
    std::string csv = "subject,true,predicted,confidence,confidence_low,confidence_high,agreement,slices";
    for (const std::string& name : classNames)
        csv += ",p_" + name;
    csv += "\n";
    char number[32];
    const auto add = [&](double value) {
        std::snprintf(number, sizeof number, ",%.6f", value);
        csv += number;
    };
    for (const SubjectVerdict& v : verdicts) {
        csv += csvField(v.subject) + "," + classNames.at(static_cast<std::size_t>(v.label)) + "," + classNames.at(static_cast<std::size_t>(v.predicted));
        add(v.probabilities[static_cast<std::size_t>(v.predicted)]);
        add(v.confidence.low);
        add(v.confidence.high);
        add(v.agreement);
        csv += "," + std::to_string(v.slices);
        for (const double p : v.probabilities)
            add(p);
        csv += "\n";
    }
    return csv;
}

std::vector<std::string> evaluationWarnings(const EvaluationReport& report)
{
    std::vector<std::string> warnings;
    const ClassificationMetrics& subjects = report.subjects;
    std::size_t fewest = std::numeric_limits<std::size_t>::max();
    std::string perClass;
    for (std::size_t c = 0; c < subjects.perClass.size() && c < report.classNames.size(); ++c) {
        fewest = std::min(fewest, subjects.perClass[c].support);
        perClass += (perClass.empty() ? "" : ", ") + report.classNames[c] + " " + std::to_string(subjects.perClass[c].support);
    }
    if (!subjects.perClass.empty() && fewest < kFewSubjectsPerClass) {
        const double step = subjects.count > 0 ? 100.0 / static_cast<double>(subjects.count) : 100.0;
        char text[400];
        std::snprintf(text, sizeof text,
                      "these figures rest on %zu subjects (%s): with fewer than %zu per class one subject moves subject-level accuracy by "
                      "%.0f points, and the intervals are wide. Treat them as anecdotal; test on more subjects before drawing conclusions.",
                      subjects.count, perClass.c_str(), kFewSubjectsPerClass, step);
        warnings.push_back(text);
    }
    const auto& confusion = report.slices.confusion;
    for (std::size_t predicted = 0; predicted < report.classNames.size() && report.slices.count > 1; ++predicted) {
        std::size_t column = 0;
        for (const auto& row : confusion)
            column += predicted < row.size() ? row[predicted] : 0;
        if (column == report.slices.count)
            warnings.push_back("the model predicts " + report.classNames[predicted] + " for all " + std::to_string(column) +
                               " slices: it has not learned to tell the classes apart (train longer, check the data, or lower the learning rate).");
    }
    return warnings;
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
            {"calibration", calibration},
            {"warnings", evaluationWarnings(report)}};
}

std::string evaluationPredictionsCsv(const DatasetIndex& index, const SliceCache& cache, const EvaluationReport& report)
{
    return predictionsCsv(evaluatedSlices(index, cache, report), index.root);
}

} // namespace neurodx
