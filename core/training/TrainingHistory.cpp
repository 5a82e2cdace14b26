#include "TrainingHistory.h"

#include "common/NeuroDxError.h"
#include "dataset/MetadataCsv.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace neurodx {

double EpochRecord::value(const std::string& monitor) const
{
    if (monitor == "loss")
        return loss;
    if (monitor == "acc")
        return accuracy;
    if (monitor == "val_loss")
        return valLoss;
    if (monitor == "val_acc")
        return valAccuracy;
    throw NeuroDxError(ErrorKind::InvalidArgument, "unknown monitor '" + monitor + "' (loss, acc, val_loss, val_acc)");
}

static bool isLoss(const std::string& monitor) { return monitor.find("loss") != std::string::npos; }

bool improves(const std::string& monitor, double candidate, double best, double minDelta)
{
    if (std::isnan(candidate))
        return false;
    return isLoss(monitor) ? candidate < best - minDelta : candidate > best + minDelta;
}

double worstValue(const std::string& monitor)
{
    return isLoss(monitor) ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

std::string historyCsv(const std::vector<EpochRecord>& history)
{
    std::string csv = "epoch,acc,loss,lr,val_acc,val_loss,seconds\n";
    char line[256];
    for (const EpochRecord& r : history) {
        std::snprintf(line, sizeof line, "%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.3f\n", r.epoch, r.accuracy, r.loss, r.learningRate,
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
    std::vector<EpochRecord> history;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto cell = [&](const char* name) -> double {
            const auto it = column.find(name);
            if (it == column.end() || it->second >= rows[r].size())
                return std::nan("");
            try {
                return std::stod(rows[r][it->second]);
            } catch (const std::exception&) {
                return std::nan("");
            }
        };
        EpochRecord record;
        record.epoch = static_cast<int>(cell("epoch"));
        record.accuracy = cell("acc");
        record.loss = cell("loss");
        record.learningRate = cell("lr");
        record.valAccuracy = cell("val_acc");
        record.valLoss = cell("val_loss");
        record.seconds = cell("seconds");
        history.push_back(record);
    }
    return history;
}

} // namespace neurodx
