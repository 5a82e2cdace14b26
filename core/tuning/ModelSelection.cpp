#include "ModelSelection.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "dataset/GroupKFold.h"
#include "distributed/DataParallelJob.h"
#include "distributed/DistributedGroup.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

MeanStd meanStd(const std::vector<double>& values)
{
    MeanStd result;
    if (values.empty())
        return result;
    for (double v : values)
        result.mean += v / static_cast<double>(values.size());
    if (values.size() > 1) {
        double squares = 0;
        for (double v : values)
            squares += (v - result.mean) * (v - result.mean);
        result.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
    }
    return result;
}

nlohmann::json meanStdJson(const MeanStd& m) { return {{"mean", m.mean}, {"std", m.std}}; }

double majorityShare(const std::vector<int>& labels)
{
    std::map<int, std::size_t> counts;
    for (int l : labels)
        ++counts[l];
    std::size_t most = 0;
    for (const auto& [label, count] : counts)
        most = std::max(most, count);
    return labels.empty() ? 0.0 : static_cast<double>(most) / static_cast<double>(labels.size());
}

} // namespace

FoldSummary FoldSummary::of(int fold, const EvaluationReport& test, std::size_t sharedSubjects)
{
    FoldSummary s;
    s.fold = fold;
    s.accuracy = test.slices.accuracy;
    s.balancedAccuracy = test.slices.balancedAccuracy;
    s.macroF1 = test.slices.macroF1;
    s.macroAuc = test.slices.macroAuc;
    s.subjectAccuracy = test.subjects.accuracy;
    s.testSlices = test.slices.count;
    s.sharedSubjects = sharedSubjects;
    return s;
}

nlohmann::json FoldSummary::toJson() const
{
    return {{"fold", fold},
            {"accuracy", accuracy},
            {"balanced_accuracy", balancedAccuracy},
            {"macro_f1", macroF1},
            {"macro_auc", macroAuc ? nlohmann::json(*macroAuc) : nlohmann::json()},
            {"subject_level_accuracy", subjectAccuracy},
            {"test_slices", testSlices},
            {"shared_subjects", sharedSubjects}};
}

FoldSummary FoldSummary::fromJson(const nlohmann::json& j)
{
    FoldSummary s;
    s.fold = j.at("fold").get<int>();
    s.accuracy = j.at("accuracy").get<double>();
    s.balancedAccuracy = j.at("balanced_accuracy").get<double>();
    s.macroF1 = j.at("macro_f1").get<double>();
    if (j.at("macro_auc").is_number())
        s.macroAuc = j.at("macro_auc").get<double>();
    s.subjectAccuracy = j.at("subject_level_accuracy").get<double>();
    s.testSlices = j.at("test_slices").get<std::size_t>();
    s.sharedSubjects = j.at("shared_subjects").get<std::size_t>();
    return s;
}

nlohmann::json CrossValidationResult::toJson() const
{
    nlohmann::json perFold = nlohmann::json::array();
    for (const FoldSummary& fold : folds)
        perFold.push_back(fold.toJson());
    return {{"folds", perFold},
            {"accuracy", meanStdJson(accuracy)},
            {"balanced_accuracy", meanStdJson(balancedAccuracy)},
            {"macro_f1", meanStdJson(macroF1)},
            {"macro_auc", meanStdJson(macroAuc)},
            {"cancelled", cancelled}};
}

CrossValidationResult runCrossValidation(const TrainingJobConfig& job, int k, TrainingControl& control, const TrainingJobCallbacks& callbacks)
{
    validate(job.training);
    if (k < 3)
        throw NeuroDxError(ErrorKind::InvalidArgument, "cross-validation needs at least 3 folds: one tests, one validates, the rest train");
    if (callbacks.onStage)
        callbacks.onStage("scanning " + job.dataset.string());
    // Folds are a function of the dataset and the seed: every rank of a job draws the same ones.
    const DatasetIndex index = scanOnEveryRank(job.group, job.dataset, job.scan, &control.cancelToken());
    index.requireTwoClassesWithImages();
    if (job.group)
        requireSameSettings(*job.group, {{"folds", k}, {"training", toJson(job.training)}});
    const auto folds = groupedFolds(index, k, job.training.seed);
    const int rank = job.group ? job.group->rank() : 0;
    const int ranks = job.group ? job.group->worldSize() : 1;
    CrossValidationResult result;
    std::exception_ptr failure;
    std::string problem;
    for (int f = rank; f < k; f += ranks) {
        if (control.isCancelled())
            break;
        if (callbacks.onStage)
            callbacks.onStage("fold " + std::to_string(f + 1) + " of " + std::to_string(k));
        try {
            const DatasetSplit split = foldSplit(index, folds, f);
            if (!split.report.sharedSubjects.empty())
                throw NeuroDxError(ErrorKind::InvalidDataset, "fold " + std::to_string(f + 1) + " shares subjects between parts");
            TrainingJobConfig foldJob = job;
            foldJob.runFolder = job.runFolder / ("fold_" + std::to_string(f + 1));
            foldJob.group = nullptr; // a fold trains on one rank
            const TrainingJobResult run = runTrainingOnSplit(index, split, foldJob, control, callbacks);
            if (run.training.cancelled || !run.tested)
                break;
            result.folds.push_back(FoldSummary::of(f, run.test, split.report.sharedSubjects.size()));
        } catch (const NeuroDxError& e) {
            if (e.kind() == ErrorKind::Cancelled)
                break; // a stop while decoding: the folds so far are reported as cancelled
            failure = std::current_exception();
            problem = "fold " + std::to_string(f + 1) + ": " + e.what();
            break;
        } catch (const std::exception& e) {
            failure = std::current_exception();
            problem = "fold " + std::to_string(f + 1) + ": " + e.what();
            break;
        }
    }
    if (failure && !job.group)
        std::rethrow_exception(failure);
    result.cancelled = control.isCancelled();
    if (job.group) { // every rank's folds (and whether it was stopped) to every rank; no rank waits for a failed one
        job.group->requireAll("training the folds", problem); // meets first, however long the slowest rank's folds take
        nlohmann::json mine = {{"cancelled", result.cancelled}, {"folds", nlohmann::json::array()}};
        for (const FoldSummary& fold : result.folds)
            mine["folds"].push_back(fold.toJson());
        result.folds.clear();
        for (const std::string& text : job.group->allGatherText(mine.dump(), "collecting the folds")) {
            const nlohmann::json theirs = nlohmann::json::parse(text);
            result.cancelled = result.cancelled || theirs.at("cancelled").get<bool>();
            for (const nlohmann::json& fold : theirs.at("folds"))
                result.folds.push_back(FoldSummary::fromJson(fold));
        }
        std::sort(result.folds.begin(), result.folds.end(), [](const FoldSummary& a, const FoldSummary& b) { return a.fold < b.fold; });
    }
    std::vector<double> accuracy, balanced, f1, auc;
    for (const FoldSummary& fold : result.folds) {
        accuracy.push_back(fold.accuracy);
        balanced.push_back(fold.balancedAccuracy);
        f1.push_back(fold.macroF1);
        if (fold.macroAuc)
            auc.push_back(*fold.macroAuc);
    }
    result.accuracy = meanStd(accuracy);
    result.balancedAccuracy = meanStd(balanced);
    result.macroF1 = meanStd(f1);
    result.macroAuc = meanStd(auc);
    return result;
}

nlohmann::json LeakageAuditResult::toJson() const
{
    nlohmann::json list = nlohmann::json::array();
    for (const Arm& a : arms)
        list.push_back({{"name", a.name}, {"test_accuracy", a.accuracy}, {"chance", a.chance}, {"shared_subjects", a.sharedSubjects}});
    return {{"arms", list},
            {"slice_split_inflates", sliceSplitInflates},
            {"recognises_people", recognisesPeople},
            {"leakage", leakage},
            {"margin", margin},
            {"cancelled", cancelled},
            {"explanation", explanation}};
}

LeakageAuditResult runLeakageAudit(const TrainingJobConfig& job, TrainingControl& control, const TrainingJobCallbacks& callbacks)
{
    validate(job.training);
    if (callbacks.onStage)
        callbacks.onStage("scanning " + job.dataset.string());
    const DatasetIndex index = scanDataset(job.dataset, job.scan, &control.cancelToken());
    index.requireTwoClassesWithImages();

    // (c): every subject gets one random class, shared by all its slices.
    DatasetIndex relabelled = index;
    SeededRandom random(SeededRandom::derive(job.training.seed, 0xA0D17ull));
    std::map<std::string, int> randomLabel;
    for (DatasetEntry& e : relabelled.entries) {
        const auto it = randomLabel.find(e.groupKey());
        e.label = it != randomLabel.end() ? it->second
                                          : (randomLabel[e.groupKey()] = static_cast<int>(random.below(relabelled.classNames.size())));
    }

    SplitConfig bySubject = job.training.split;
    bySubject.mode = SplitMode::BySubject;
    SplitConfig bySlice = bySubject;
    bySlice.mode = SplitMode::BySlice;
    struct Plan {
        const char* name;
        const char* folder;
        const DatasetIndex* data;
        SplitConfig split;
    };
    const Plan plans[] = {{"subject split", "subject-split", &index, bySubject},
                          {"slice split", "slice-split", &index, bySlice},
                          {"slice split, random labels per subject", "random-labels", &relabelled, bySlice}};
    LeakageAuditResult result;
    for (const Plan& plan : plans) {
        if (control.isCancelled())
            break;
        if (callbacks.onStage)
            callbacks.onStage(std::string("audit: ") + plan.name);
        const DatasetSplit split = splitDataset(*plan.data, plan.split);
        TrainingJobConfig armJob = job;
        armJob.runFolder = job.runFolder / plan.folder;
        armJob.training.split = plan.split;
        const TrainingJobResult run = runTrainingOnSplit(*plan.data, split, armJob, control, callbacks);
        if (run.training.cancelled || !run.tested)
            break;
        result.arms.push_back({plan.name, run.test.slices.accuracy, majorityShare(run.test.labels), split.report.sharedSubjects.size()});
    }
    result.cancelled = result.arms.size() < 3;
    if (result.arms.size() == 3) {
        result.sliceSplitInflates = result.arms[1].accuracy > result.arms[0].accuracy + result.margin;
        result.recognisesPeople = result.arms[2].accuracy > result.arms[2].chance + result.margin;
        result.leakage = result.sliceSplitInflates || result.recognisesPeople;
    }
    result.explanation =
        "Slices of one person look alike: same head shape, folding pattern, scanner intensity and noise. When a split puts slices of the "
        "same subjects in training and test, a model can score well by recognising people instead of disease, and test accuracy overstates "
        "how it would do on new patients. Arm (c) makes this visible: its labels are random per subject, so the only way to beat chance is "
        "to recognise who a slice belongs to (Yagis et al. 2021, Scientific Reports 11:22544). Report accuracy from a subject-level split.";
    return result;
}

} // namespace neurodx
