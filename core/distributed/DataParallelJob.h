#pragma once

#include "dataset/DatasetIndex.h"
#include "dataset/Split.h"
#include "training/TrainingJob.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace neurodx {

// A training job's dataset, split and settings as every rank of a data-parallel job agrees on them.
struct DataParallelPlan {
    DatasetIndex index;
    DatasetSplit split;
    TrainingConfig training;
};

// Every rank scans `job.dataset` (it must be the same files at the same path on every machine);
// rank 0 alone decides the settings (a resumed run's own config.json), splits (or reads split.json)
// and writes split.json; the others take its decisions and check that they see the same dataset.
// Throws NeuroDxError on every rank when any rank cannot go on, naming that rank and why.
DataParallelPlan planDataParallelJob(const TrainingJobConfig& job, TrainingControl& control, const std::function<void(const std::string&)>& stage);

// config.json's "distributed" section for a job of `worldSize` ranks of `batchPerRank` slices.
nlohmann::json distributedSection(int worldSize, int batchPerRank);

// When a run trained by one number of ranks resumes with another: says what changes (the global
// batch) through `stage` and records the new number in the run's config.json.
void noteWorldSizeChange(const std::filesystem::path& configFile, int worldSize, int batchPerRank, const std::function<void(const std::string&)>& stage);

} // namespace neurodx
