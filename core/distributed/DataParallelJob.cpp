#include "DataParallelJob.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "distributed/DistributedGroup.h"

#include <chrono>

namespace fs = std::filesystem;

namespace neurodx {

nlohmann::json distributedSection(int worldSize, int batchPerRank)
{
    return {{"backend", "gloo"}, {"world_size", worldSize}, {"batch_per_rank", batchPerRank}, {"global_batch", worldSize * batchPerRank},
            {"learning_rate_scaled", false}};
}

void noteWorldSizeChange(const fs::path& configFile, int worldSize, int batchPerRank, const std::function<void(const std::string&)>& stage)
{
    nlohmann::json saved = readJsonFile(configFile);
    const nlohmann::json section = saved.is_object() ? saved.value("distributed", nlohmann::json::object()) : nlohmann::json::object();
    const int before = section.is_object() && section.value("world_size", nlohmann::json(1)).is_number_integer() ? section.value("world_size", 1) : 1;
    if (before == worldSize)
        return;
    stage("this run was trained by " + std::to_string(before) + (before == 1 ? " process" : " ranks") + " and continues with " +
          std::to_string(worldSize) + ": the global batch changes from " + std::to_string(before * batchPerRank) + " to " +
          std::to_string(worldSize * batchPerRank) + " slices (the learning rate is not rescaled)");
    saved["distributed"] = distributedSection(worldSize, batchPerRank);
    writeJsonFile(configFile, saved);
}

namespace {

// Every rank's `mine` against rank 0's: where it differs, that rank's `problem` stops every rank.
void requireLeadersValue(DistributedGroup& group, const char* what, const std::string& mine, const std::string& problem)
{
    const std::vector<std::string> all = group.allGatherText(mine, what);
    group.requireAll(what, mine == all.front() ? std::string() : problem);
}

} // namespace

void requireSameDataset(DistributedGroup& group, const DatasetIndex& index, const fs::path& root)
{
    const std::string fingerprint = datasetFingerprint(index);
    requireLeadersValue(group, "comparing the datasets", fingerprint,
                        root.string() + " holds other images here than on rank 0 (" + std::to_string(index.entries.size()) + " images, fingerprint " +
                            fingerprint + "): every machine needs the same dataset at the same path");
}

void requireSameSettings(DistributedGroup& group, const nlohmann::json& settings)
{
    requireLeadersValue(group, "comparing the settings", settings.dump(),
                        "started with other settings than rank 0: every rank needs the same command line");
}

void requireSameSlices(DistributedGroup& group, const std::vector<const SliceCache*>& caches)
{
    std::uint64_t hash = kFnv1aStart; // over the kept entries, part by part
    std::size_t slices = 0;
    for (const SliceCache* cache : caches) {
        for (const std::size_t entry : cache->entries)
            hash = fnv1a64(std::to_string(entry) + ",", hash);
        hash = fnv1a64("|", hash);
        slices += cache->size();
    }
    requireLeadersValue(group, "comparing the decoded slices", std::to_string(slices) + ":" + std::to_string(hash),
                        "decoded other slices than rank 0 (" + std::to_string(slices) +
                            " here): some files cannot be read on this machine (see decode problems)");
}

std::pair<SliceCache, SliceCache> decodeOnEveryRank(DistributedGroup* group, const std::function<SliceCache(SplitPart)>& decode)
{
    if (!group)
        return {decode(SplitPart::Train), decode(SplitPart::Validation)};
    std::pair<SliceCache, SliceCache> caches;
    std::string problem;
    ErrorKind kind = ErrorKind::InvalidDataset;
    try {
        caches.first = decode(SplitPart::Train);
        caches.second = decode(SplitPart::Validation);
    } catch (const NeuroDxError& e) {
        problem = e.what();
        kind = e.kind();
    }
    group->requireAll("decoding the slices", problem, kind);
    requireSameSlices(*group, {&caches.first, &caches.second});
    return caches;
}

void requireSharedFolder(DistributedGroup& group, const fs::path& folder)
{
    const std::string marker = group.runOnLeader("marking the output folder", [&] {
        fs::create_directories(folder);
        const std::string name = ".neurodx-shared-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
        writeJsonFile(folder / name, nlohmann::json{{"written_by", "rank 0"}});
        return name;
    });
    std::error_code ec;
    const bool seen = fs::exists(folder / marker, ec);
    std::string problem;
    if (!seen)
        problem = "cannot see rank 0's output folder " + folder.string() +
                  " here: a Hyperband search over several machines needs it on storage they share (promoted trials continue from "
                  "checkpoints another rank wrote), or use --strategy random";
    try {
        group.requireAll("checking the output folder", problem);
    } catch (...) {
        if (group.isLeader())
            fs::remove(folder / marker, ec);
        throw;
    }
    if (group.isLeader())
        fs::remove(folder / marker, ec);
}

DatasetIndex scanOnEveryRank(DistributedGroup* group, const fs::path& root, const ScanOptions& options, const CancelToken* cancel)
{
    if (!group)
        return scanDataset(root, options, cancel);
    DatasetIndex index;
    std::string problem;
    ErrorKind kind = ErrorKind::InvalidDataset;
    try {
        index = scanDataset(root, options, cancel);
    } catch (const NeuroDxError& e) {
        problem = e.what();
        kind = e.kind(); // a Ctrl-C during the scan stays a cancellation
    }
    group->requireAll("scanning the dataset", problem, kind);
    requireSameDataset(*group, index, root);
    return index;
}

DatasetSplit agreeOnSplit(DistributedGroup& group, const DatasetIndex& index, const std::function<DatasetSplit()>& decide)
{
    const std::string decided = group.runOnLeader("splitting", [&] { return splitToJson(index, decide()).dump(); });
    std::string problem;
    DatasetSplit split;
    try {
        split = splitFromJson(nlohmann::json::parse(decided), index, "rank 0's split");
    } catch (const std::exception& e) {
        problem = e.what();
    }
    group.requireAll("taking rank 0's split", problem);
    return split;
}

DataParallelPlan planDataParallelJob(const TrainingJobConfig& job, TrainingControl& control, const std::function<void(const std::string&)>& stage)
{
    DistributedGroup& group = *job.group;
    DataParallelPlan plan;
    stage("scanning " + job.dataset.string() + " (" + group.setup().rankText() + ")");
    plan.index = scanOnEveryRank(&group, job.dataset, job.scan, &control.cancelToken());

    const std::string decided = group.runOnLeader("preparing the run", [&] {
        TrainingConfig config = job.training;
        std::optional<fs::path> splitFile = job.splitFile;
        if (job.resume) {
            const fs::path configFile = job.runFolder / "config.json";
            config = readSavedTrainingConfig(configFile);
            config.epochs = std::max(config.epochs, job.training.epochs); // resuming may extend the run
            splitFile = job.runFolder / "split.json";
            noteWorldSizeChange(configFile, group.worldSize(), config.batchSize, stage);
        }
        validate(config);
        if (!job.initialWeights.empty() && !fs::is_regular_file(job.initialWeights))
            throw NeuroDxError(ErrorKind::UnreadableFile, job.initialWeights, "no such weight file");
        std::error_code ec;
        fs::create_directories(job.runFolder, ec);
        if (ec)
            throw NeuroDxError(ErrorKind::Io, job.runFolder, "cannot create the run folder: " + ec.message());
        plan.index.requireTwoClassesWithImages();
        stage("splitting");
        const DatasetSplit split = splitFile ? loadSplit(*splitFile, plan.index) : splitDataset(plan.index, config.split);
        if (!split.report.sharedSubjects.empty() && config.split.mode == SplitMode::BySubject)
            throw NeuroDxError(ErrorKind::InvalidDataset, splitFile ? *splitFile : job.dataset, "the split shares subjects between parts");
        if (!job.resume)
            saveSplit(job.runFolder / "split.json", plan.index, split);
        return nlohmann::json{{"training", toJson(config)}, {"split", splitToJson(plan.index, split)}}.dump();
    });

    const nlohmann::json shared = nlohmann::json::parse(decided);
    std::string problem;
    try {
        plan.training = trainingConfigFromJson(shared.at("training"));
        validate(plan.training);
        plan.split = splitFromJson(shared.at("split"), plan.index, "rank 0's split");
    } catch (const std::exception& e) {
        problem = e.what();
    }
    group.requireAll("taking rank 0's plan", problem);
    return plan;
}

} // namespace neurodx
