#pragma once

#include "dataset/DatasetIndex.h"
#include "dataset/Split.h"
#include "training/SliceCache.h"
#include "training/TrainingJob.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

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

// Scans `root` on this rank; in a job (group not null) every rank does, and all stop when one cannot
// scan or sees other images than rank 0 (requireSameDataset).
DatasetIndex scanOnEveryRank(DistributedGroup* group, const std::filesystem::path& root, const ScanOptions& options, const CancelToken* cancel);

// Every rank's scan of the dataset must be rank 0's: otherwise every rank throws, naming the ranks
// that see other images (another version of the dataset, a path that points elsewhere).
void requireSameDataset(DistributedGroup& group, const DatasetIndex& index, const std::filesystem::path& root);

// Every rank must run with rank 0's settings (cv's folds, tune's search, the training base): a
// rank started with another command line stops every rank, naming the difference's owner.
void requireSameSettings(DistributedGroup& group, const nlohmann::json& settings);

// The training and validation slices, decoded by `decode` on this rank; in a job (group not null)
// every rank decodes them, all stop when one cannot (a Ctrl-C stays a stop on every rank), and
// they must be the same slices as rank 0's (requireSameSlices).
std::pair<SliceCache, SliceCache> decodeOnEveryRank(DistributedGroup* group, const std::function<SliceCache(SplitPart)>& decode);

// Every rank must hold the same decoded slices (a file that fails to decode on one machine only
// would shift every batch there): compares the kept entries of `caches` over ranks.
void requireSameSlices(DistributedGroup& group, const std::vector<const SliceCache*>& caches);

// Rank 0's split on every rank: rank 0 runs `decide` (split anew, or read a split.json, and save
// it), the others rebuild the same split against their own scan.
DatasetSplit agreeOnSplit(DistributedGroup& group, const DatasetIndex& index, const std::function<DatasetSplit()>& decide);

// `folder` must be the same folder on every rank (storage they share): rank 0 writes a marker
// file there and every rank looks for it. For tune's Hyperband, whose promoted trials continue
// from checkpoints another rank may have written.
void requireSharedFolder(DistributedGroup& group, const std::filesystem::path& folder);

// config.json's "distributed" section for a job of `worldSize` ranks of `batchPerRank` slices.
nlohmann::json distributedSection(int worldSize, int batchPerRank);

// When a run trained by one number of ranks resumes with another: says what changes (the global
// batch) through `stage` and records the new number in the run's config.json.
void noteWorldSizeChange(const std::filesystem::path& configFile, int worldSize, int batchPerRank, const std::function<void(const std::string&)>& stage);

} // namespace neurodx
