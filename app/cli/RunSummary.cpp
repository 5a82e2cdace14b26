#include "RunSummary.h"

#include <algorithm>

#include "TextTable.h"

#include "common/Version.h"

#include <cstdio>
#include <sstream>

namespace neurodx::cli {

namespace {

std::string withInterval(double v, const std::optional<Interval>& ci)
{
    return ci ? fixedPoint(v) + " [" + fixedPoint(ci->low) + ", " + fixedPoint(ci->high) + "]" : fixedPoint(v);
}

std::string levelText(const char* title, const ClassificationMetrics& m, const std::vector<std::string>& classNames)
{
    std::ostringstream out;
    out << title << " (" << m.count << ")\n";
    TextTable summary({"metric", "value [95% CI]"});
    summary.addRow({"accuracy", withInterval(m.accuracy, m.accuracyCi)});
    summary.addRow({"balanced accuracy", withInterval(m.balancedAccuracy, m.balancedAccuracyCi)});
    summary.addRow({"macro F1", withInterval(m.macroF1, m.macroF1Ci)});
    summary.addRow({"MCC", withInterval(m.mcc, m.mccCi)});
    summary.addRow({"macro AUC (one-vs-rest)", m.macroAuc ? withInterval(*m.macroAuc, m.macroAucCi) : "n/a"});
    out << summary.render() << "\n";
    TextTable perClass({"class", "precision", "recall", "specificity", "F1", "AUC", "support"});
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ClassMetrics& cm = m.perClass[c];
        perClass.addRow({classNames[c], fixedPoint(cm.precision), fixedPoint(cm.recall), fixedPoint(cm.specificity), fixedPoint(cm.f1),
                         cm.auc ? fixedPoint(*cm.auc) : "n/a", std::to_string(cm.support)});
    }
    out << perClass.render() << "\n";
    std::vector<std::string> header{"true \\ predicted"};
    header.insert(header.end(), classNames.begin(), classNames.end());
    TextTable confusion(header);
    for (std::size_t r = 0; r < m.confusion.size(); ++r) {
        std::vector<std::string> row{classNames[r]};
        for (std::size_t v : m.confusion[r])
            row.push_back(std::to_string(v));
        confusion.addRow(row);
    }
    out << confusion.render();
    return out.str();
}

} // namespace

namespace {

std::string calibrationLine(const char* level, const CalibrationMetrics& shown, const std::optional<CalibrationMetrics>& raw)
{
    std::string line = std::string("  ") + level + ": ECE " + withInterval(shown.ece, shown.eceCi) + ", Brier " + withInterval(shown.brier, shown.brierCi);
    if (raw)
        line += "  (raw softmax: ECE " + withInterval(raw->ece, raw->eceCi) + ", Brier " + withInterval(raw->brier, raw->brierCi) + ")";
    return line + "\n";
}

} // namespace

std::string calibrationText(const EvaluationReport& report)
{
    std::string text = report.calibrationSlices > 0
                           ? "Calibration: probabilities temperature-scaled (T = " + fixedPoint(report.temperature, 2) + ", fitted on " +
                                 std::to_string(report.calibrationSlices) + " validation slices)\n"
                           : std::string("Calibration: raw softmax (not calibrated)\n");
    text += calibrationLine("slice level", report.sliceCalibration, report.rawSliceCalibration);
    text += calibrationLine("subject level", report.subjectCalibration, report.rawSubjectCalibration);
    return text;
}

namespace {

std::string subjectSpreadText(const EvaluationReport& report)
{
    const std::vector<SubjectVerdict> verdicts = subjectVerdicts(report, 0); // agreement only
    if (verdicts.empty())
        return {};
    std::vector<double> agreement;
    std::size_t split = 0;
    for (const SubjectVerdict& v : verdicts) {
        agreement.push_back(v.agreement);
        split += v.agreement < 0.5 ? 1 : 0;
    }
    std::sort(agreement.begin(), agreement.end());
    return "Subject verdicts: median share of a subject's slices voting its verdict " + fixedPoint(agreement[agreement.size() / 2], 2) + "; " +
           std::to_string(split) + " of " + std::to_string(verdicts.size()) +
           " subjects with less than half (subjects.csv lists each verdict with its interval)\n";
}

} // namespace

std::string evaluationText(const EvaluationReport& report)
{
    std::string warnings;
    for (const std::string& warning : evaluationWarnings(report))
        warnings += "warning: " + warning + "\n";
    return warnings + (warnings.empty() ? "" : "\n") + "Test loss " + fixedPoint(report.loss, 4) + (report.calibrationSlices > 0 ? " (of the calibrated probabilities)" : "") + "\n\n" + levelText("Slice level", report.slices, report.classNames) + "\n" +
           levelText("Subject level (mean of each subject's slice probabilities)", report.subjects, report.classNames) + subjectSpreadText(report) +
           "\n" + calibrationText(report);
}

std::string runSummaryText(const TrainingJobResult& result)
{
    std::ostringstream out;
    const TrainingResult& t = result.training;
    out << "\nRun folder: " << result.runFolder.string() << "\n";
    out << "Training: " << t.history.size() << " epochs, " << t.stopReason;
    if (t.bestEpoch >= 0) {
        const EpochRecord& best = t.history.at(static_cast<std::size_t>(t.bestEpoch));
        out << "; best epoch " << t.bestEpoch + 1 << " (val_loss " << fixedPoint(best.valLoss, 4) << ", val_acc " << fixedPoint(best.valAccuracy, 4) << ")";
    }
    out << "\n" << t.weightsReport << "\n";
    if (!result.decodeProblems.empty()) {
        out << result.decodeProblems.size() << " slices could not be decoded and were left out, e.g. " << result.decodeProblems.front().path
            << ": " << result.decodeProblems.front().reason << "\n";
    }
    if (result.tested)
        out << "\n" << evaluationText(result.test);
    else if (!t.cancelled)
        out << "No test part: nothing evaluated.\n";
    out << "\n" << kResearchNotice << "\n";
    return out.str();
}

nlohmann::json runSummaryJson(const TrainingJobResult& result)
{
    nlohmann::json history = nlohmann::json::array();
    for (const EpochRecord& r : result.training.history)
        history.push_back({{"epoch", r.epoch + 1}, {"loss", r.loss}, {"acc", r.accuracy}, {"val_loss", r.valLoss}, {"val_acc", r.valAccuracy}, {"seconds", r.seconds}});
    nlohmann::json j = {{"run_folder", result.runFolder.string()},
                        {"stop_reason", result.training.stopReason},
                        {"best_epoch", result.training.bestEpoch >= 0 ? nlohmann::json(result.training.bestEpoch + 1) : nlohmann::json()}, // from 1, as history.csv
                        {"weights", result.training.weightsReport},
                        {"history", history}};
    if (result.tested)
        j["test"] = toJson(result.test);
    return j;
}

} // namespace neurodx::cli
