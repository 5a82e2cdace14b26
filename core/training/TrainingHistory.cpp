#include "TrainingHistory.h"

#include "common/TextUtil.h"
#include "common/NeuroDxError.h"
#include "dataset/MetadataCsv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace neurodx {

double EpochRecord::value(MonitoredMetric metric) const
{
    switch (metric) {
    case MonitoredMetric::Loss:
        return loss;
    case MonitoredMetric::Accuracy:
        return accuracy;
    case MonitoredMetric::ValLoss:
        return valLoss;
    case MonitoredMetric::ValAccuracy:
        return valAccuracy;
    }
    return valLoss;
}

bool improves(MonitoredMetric monitor, double candidate, double best, double minDelta)
{
    if (std::isnan(candidate))
        return false;
    return isLoss(monitor) ? candidate < best - minDelta : candidate > best + minDelta;
}

double worstValue(MonitoredMetric monitor)
{
    return isLoss(monitor) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

MonitoredMetric checkpointMonitor(bool hasValidation)
{
    return hasValidation ? MonitoredMetric::ValLoss : MonitoredMetric::Loss;
}

int checkpointEpoch(const std::vector<EpochRecord>& history)
{
    const bool hasValidation = std::any_of(history.begin(), history.end(), [](const EpochRecord& r) { return !std::isnan(r.valLoss); });
    const MonitoredMetric monitor = checkpointMonitor(hasValidation);
    double best = worstValue(monitor);
    int bestIndex = -1;
    for (std::size_t i = 0; i < history.size(); ++i)
        if (improves(monitor, history[i].value(monitor), best)) {
            best = history[i].value(monitor);
            bestIndex = static_cast<int>(i);
        }
    return bestIndex;
}

std::string historyCsv(const std::vector<EpochRecord>& history)
{
    std::string csv = "epoch,acc,loss,lr,val_acc,val_loss,seconds\n";
    char line[256];
    for (const EpochRecord& r : history) {
        std::snprintf(line, sizeof line, "%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.3f\n", r.epoch + 1, r.accuracy, r.loss, r.learningRate,
                      r.valAccuracy, r.valLoss, r.seconds);
        csv += line;
    }
    return csv;
}

std::vector<EpochRecord> readHistoryCsv(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    std::ostringstream text;
    text << in.rdbuf();
    const auto rows = parseCsv(text.str());
    if (rows.empty())
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the history is empty");
    std::map<std::string, std::size_t> column;
    for (std::size_t i = 0; i < rows[0].size(); ++i)
        column[rows[0][i]] = i;
    for (const char* required : {"epoch", "acc", "loss", "val_acc", "val_loss"}) {
        if (!column.count(required))
            throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("the history lacks the column '") + required + "'");
    }
    // Every row must be whole and in order: a resumed run continues from the last row, and a row
    // that is not one of ours would silently change what resuming and the curves show.
    std::vector<EpochRecord> history;
    int firstEpoch = 1;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const std::string where = "line " + std::to_string(r + 1);
        const auto cell = [&](const char* name, bool required) -> double {
            const auto it = column.find(name);
            if (it == column.end())
                return std::nan("");
            if (it->second >= rows[r].size())
                throw NeuroDxError(ErrorKind::CorruptFile, file, where + " is cut short (no '" + name + "' value): the file is damaged or truncated");
            const std::string& text = rows[r][it->second];
            if (text == "nan" || text == "-nan" || (text.empty() && !required))
                return std::nan(""); // Keras and NeuroDx write nan where a figure does not exist
            try {
                std::size_t used = 0;
                const double value = std::stod(text, &used);
                if (used == text.size())
                    return value;
            } catch (const std::exception&) {
            }
            throw NeuroDxError(ErrorKind::CorruptFile, file, where + ": '" + name + "' is '" + validUtf8(text) + "', not a number: the file is damaged");
        };
        EpochRecord record;
        const double epoch = cell("epoch", true);
        // The first row says the convention: 1 now, 0 in files of earlier versions (and Keras').
        if (r == 1 && (epoch == 0.0 || epoch == 1.0))
            firstEpoch = static_cast<int>(epoch);
        const int expected = firstEpoch + static_cast<int>(r) - 1;
        if (std::isnan(epoch) || epoch != static_cast<double>(expected))
            throw NeuroDxError(ErrorKind::CorruptFile, file,
                               where + " is epoch " + validUtf8(rows[r][column["epoch"]]) + " where epoch " + std::to_string(expected) +
                                   " was expected: rows are missing, repeated or out of order");
        record.epoch = static_cast<int>(epoch) - firstEpoch;
        record.accuracy = cell("acc", true);
        record.loss = cell("loss", true);
        record.learningRate = cell("lr", false);
        record.valAccuracy = cell("val_acc", false);
        record.valLoss = cell("val_loss", false);
        record.seconds = cell("seconds", false);
        history.push_back(record);
    }
    return history;
}

} // namespace neurodx
