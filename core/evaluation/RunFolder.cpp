#include "RunFolder.h"

#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/Platform.h"
#include "common/UserFolders.h"
#include "dataset/MetadataCsv.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace neurodx {

std::string RunRecord::architecture() const
{
    const auto training = config.find("training");
    if (training == config.end() || !training->contains("model"))
        return {};
    return (*training)["model"].value("architecture", std::string());
}

int RunRecord::worldSize() const
{
    const auto distributed = config.find("distributed");
    if (distributed == config.end() || !distributed->is_object())
        return 1;
    const nlohmann::json ranks = distributed->value("world_size", nlohmann::json(1));
    return ranks.is_number_integer() && ranks.get<int>() > 1 ? ranks.get<int>() : 1;
}

fs::path RunRecord::datasetRoot() const
{
    const auto dataset = config.find("dataset");
    return dataset == config.end() ? fs::path() : fs::path(dataset->value("root", std::string()));
}

int RunRecord::bestEpoch() const
{
    // 0-based in memory; metrics.json counts from 1 since it says "epochs_from": 1 (from 0 before).
    if (metrics.is_object() && metrics.contains("best_epoch") && metrics["best_epoch"].is_number_integer())
        return metrics["best_epoch"].get<int>() - metrics.value("epochs_from", 0);
    const int best = checkpointEpoch(history);
    return best < 0 ? -1 : history[static_cast<std::size_t>(best)].epoch;
}

fs::path defaultRunsRoot()
{
    if (fs::path chosen = platform::environmentPath("NEURODX_RUNS_DIR"); !chosen.empty())
        return chosen; // read as UTF-16 on Windows: non-ASCII folders survive
    const fs::path data = userDataFolder();
    return data.empty() ? fs::path("runs") : data / "runs";
}

fs::path createRunFolder(const fs::path& root, const std::string& kind)
{
    const std::time_t now = std::time(nullptr);
    std::tm local{};
#if defined(_WIN32)
    localtime_s(&local, &now);
#else
    localtime_r(&now, &local);
#endif
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    const std::string stem = std::string(stamp) + "-" + kind;
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, root, "cannot create the runs folder: " + ec.message());
    for (int n = 1; n < 10000; ++n) {
        const fs::path folder = root / (n == 1 ? stem : stem + "-" + std::to_string(n));
        // create_directory is mkdir: it succeeds for exactly one caller, whoever else tries the name.
        if (fs::create_directory(folder, ec))
            return folder;
        if (ec)
            throw NeuroDxError(ErrorKind::Io, folder, "cannot create the run folder: " + ec.message());
    }
    throw NeuroDxError(ErrorKind::Io, root, "cannot find a free run folder name for " + stem);
}

bool isRunFolder(const fs::path& folder)
{
    std::error_code ec;
    return fs::is_regular_file(folder / "config.json", ec) && (fs::is_regular_file(folder / "history.csv", ec) || fs::is_regular_file(folder / "best.pt", ec));
}

std::vector<fs::path> findRunFolders(const fs::path& root)
{
    std::vector<fs::path> runs;
    std::error_code ec;
    if (isRunFolder(root))
        runs.push_back(root);
    for (fs::directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && isRunFolder(it->path()))
            runs.push_back(it->path());
    const auto modified = [](const fs::path& run) {
        std::error_code e;
        return fs::last_write_time(run / "config.json", e);
    };
    std::stable_sort(runs.begin(), runs.end(), [&](const fs::path& a, const fs::path& b) { return modified(a) > modified(b); });
    return runs;
}

EvaluatedSlices readPredictionsCsv(const fs::path& file, const fs::path& datasetRoot, int bootstrapResamples)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot open the predictions");
    std::stringstream text;
    text << in.rdbuf();
    const auto rows = parseCsv(text.str());
    const std::vector<std::string> fixed{"path", "subject", "true", "predicted", "confidence"};
    if (rows.empty() || rows[0].size() <= fixed.size() || !std::equal(fixed.begin(), fixed.end(), rows[0].begin()))
        throw NeuroDxError(ErrorKind::CorruptFile, file, "is not a NeuroDx predictions.csv (expected path,subject,true,predicted,confidence,p_<class>...)");
    std::vector<std::string> classNames;
    for (std::size_t c = fixed.size(); c < rows[0].size(); ++c) {
        if (rows[0][c].rfind("p_", 0) != 0)
            throw NeuroDxError(ErrorKind::CorruptFile, file, "column '" + rows[0][c] + "' is not a class probability (p_<class>)");
        classNames.push_back(rows[0][c].substr(2));
    }
    EvaluatedSlices result;
    result.part = "test";
    result.model = (file.parent_path() / "best.pt").string();
    std::vector<int> labels;
    std::vector<std::vector<double>> probabilities;
    std::vector<std::string> groupKeys;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (row.size() == 1 && row[0].empty())
            continue;
        const std::string where = "line " + std::to_string(r + 1);
        if (row.size() != rows[0].size())
            throw NeuroDxError(ErrorKind::CorruptFile, file, where + " has " + std::to_string(row.size()) + " fields, the header " + std::to_string(rows[0].size()));
        const auto label = std::find(classNames.begin(), classNames.end(), row[2]);
        if (label == classNames.end())
            throw NeuroDxError(ErrorKind::CorruptFile, file, where + ": unknown class '" + row[2] + "'");
        std::vector<double> p;
        for (std::size_t c = 0; c < classNames.size(); ++c) {
            try {
                p.push_back(std::stod(row[fixed.size() + c]));
            } catch (const std::exception&) {
                throw NeuroDxError(ErrorKind::CorruptFile, file, where + ": '" + row[fixed.size() + c] + "' is not a probability");
            }
        }
        const fs::path path = fs::path(row[0]).is_absolute() ? fs::path(row[0]) : datasetRoot / row[0];
        result.files.push_back(path.string());
        result.subjects.push_back(row[1]);
        groupKeys.push_back(row[1].empty() ? "file:" + row[0] : row[1]);
        labels.push_back(static_cast<int>(label - classNames.begin()));
        probabilities.push_back(std::move(p));
    }
    result.report = evaluationReport(labels, probabilities, groupKeys, classNames, bootstrapResamples);
    return result;
}

RunRecord readRunSummary(const fs::path& folder)
{
    if (!isRunFolder(folder))
        throw NeuroDxError(ErrorKind::InvalidArgument, folder, "is not a NeuroDx run folder (no config.json with history.csv or best.pt)");
    RunRecord run;
    run.folder = folder;
    run.config = readJsonFile(folder / "config.json");
    if (fs::exists(folder / "metrics.json"))
        run.metrics = readJsonFile(folder / "metrics.json");
    if (fs::exists(folder / "history.csv"))
        run.history = readHistoryCsv(folder / "history.csv");
    return run;
}

RunRecord readRunFolder(const fs::path& folder, int bootstrapResamples)
{
    RunRecord run = readRunSummary(folder);
    if (fs::exists(folder / "predictions.csv"))
        run.test = readPredictionsCsv(folder / "predictions.csv", run.datasetRoot(), bootstrapResamples);
    // predictions.csv holds the calibrated probabilities; the raw softmax's figures and the
    // temperature come from metrics.json, where training wrote them.
    if (run.test && run.metrics.is_object() && run.metrics.contains("calibration")) {
        const nlohmann::json& calibration = run.metrics["calibration"];
        try {
            if (calibration.value("calibrated", false)) {
                EvaluationReport& report = run.test->report;
                report.temperature = calibration.at("temperature").get<double>();
                report.calibrationSlices = calibration.at("fitted_on_validation_slices").get<std::size_t>();
                if (calibration.contains("slice_level_raw"))
                    report.rawSliceCalibration = calibrationMetricsFromJson(calibration["slice_level_raw"]);
                if (calibration.contains("subject_level_raw"))
                    report.rawSubjectCalibration = calibrationMetricsFromJson(calibration["subject_level_raw"]);
            }
        } catch (const nlohmann::json::exception&) {
            // a damaged block costs the comparison with the raw softmax, nothing else
        }
    }
    return run;
}

} // namespace neurodx
