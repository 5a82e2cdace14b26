#pragma once

#include "training/TrainingJob.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neurodx {

// Mean and sample standard deviation of one metric across folds.
struct MeanStd {
    double mean = 0, std = 0;
};

// One fold's test figures (its run folder's metrics.json has the rest).
struct FoldSummary {
    int fold = 0; // 0-based
    double accuracy = 0, balancedAccuracy = 0, macroF1 = 0;
    std::optional<double> macroAuc;
    double subjectAccuracy = 0;
    std::size_t testSlices = 0;
    std::size_t sharedSubjects = 0; // 0 proves the fold's parts are subject-disjoint

    static FoldSummary of(int fold, const EvaluationReport& test, std::size_t sharedSubjects);
    nlohmann::json toJson() const;
    static FoldSummary fromJson(const nlohmann::json& json);
};

struct CrossValidationResult {
    std::vector<FoldSummary> folds; // in fold order
    MeanStd accuracy, balancedAccuracy, macroF1, macroAuc;
    bool cancelled = false;
    nlohmann::json toJson() const;
};

// Stratified group k-fold over subjects: for each fold, train on the others (one of them validates)
// and test on it. Each fold's run folder is <folder>/fold_<i>. Needs at least 3 folds. With
// `job.group`, the folds are spread over the ranks of a distributed job (rank r trains folds r, r +
// world size, ...; each rank writes the fold folders it trains) and every rank returns all folds.
CrossValidationResult runCrossValidation(const TrainingJobConfig& job, int folds, TrainingControl& control, const TrainingJobCallbacks& callbacks = {});

// The leakage audit (after Yagis et al. 2021): the same model and budget trained three ways.
struct LeakageAuditResult {
    struct Arm {
        std::string name;      // "subject split", "slice split", "slice split, random labels per subject"
        double accuracy = 0;   // test accuracy
        double chance = 0;     // accuracy of always predicting the test part's most frequent class
        std::size_t sharedSubjects = 0;
    };
    std::vector<Arm> arms;     // subject split, slice split, slice split with random labels
    bool sliceSplitInflates = false;     // (b) beats (a) by more than the margin
    bool recognisesPeople = false;       // (c) beats its chance by more than the margin
    bool leakage = false;
    double margin = 0.1;
    bool cancelled = false;
    std::string explanation;
    nlohmann::json toJson() const;
};

LeakageAuditResult runLeakageAudit(const TrainingJobConfig& job, TrainingControl& control, const TrainingJobCallbacks& callbacks = {});

} // namespace neurodx
