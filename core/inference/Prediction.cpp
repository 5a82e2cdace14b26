#include "Prediction.h"

#include "common/TextUtil.h"
#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace neurodx {

InferencePrecision inferencePrecisionFromName(const std::string& name)
{
    if (name == "auto")
        return InferencePrecision::Auto;
    if (name == "fp32")
        return InferencePrecision::Float32;
    if (name == "bf16")
        return InferencePrecision::BFloat16;
    throw NeuroDxError(ErrorKind::InvalidArgument, "the precision must be auto, fp32 or bf16, not '" + name + "'");
}

const char* inferencePrecisionName(InferencePrecision precision)
{
    switch (precision) {
    case InferencePrecision::Float32:
        return "fp32";
    case InferencePrecision::BFloat16:
        return "bf16";
    case InferencePrecision::Auto:
        break;
    }
    return "auto";
}

bool usesBf16(InferencePrecision precision)
{
    return precision != InferencePrecision::Float32 && cpuSupportsBf16();
}

nlohmann::json toJson(const Prediction& p, const std::vector<std::string>& classNames)
{
    if (!p.error.empty())
        return {{"file", validUtf8(p.file)}, {"error", p.error}};
    nlohmann::json probabilities = nlohmann::json::object();
    for (std::size_t c = 0; c < p.probabilities.size() && c < classNames.size(); ++c)
        probabilities[classNames[c]] = p.probabilities[c];
    nlohmann::json j{{"file", validUtf8(p.file)},
                     {"predicted", classNames.at(static_cast<std::size_t>(p.predicted))},
                     {"confidence", p.confidence},
                     {"probabilities", probabilities},
                     {"calibrated", p.calibrated},
                     {"unlike_training", p.unlikeTraining},
                     {"warnings", p.warnings}};
    if (p.outlierScore)
        j["outlier_score"] = *p.outlierScore;
    return j;
}

std::string predictionsCsv(const std::vector<Prediction>& predictions, const std::vector<std::string>& classNames)
{
    std::string csv = "file,predicted,confidence";
    for (const std::string& name : classNames)
        csv += ",p_" + name;
    csv += ",calibrated,unlike_training,outlier_score,warnings,error\n";
    char number[32];
    for (const Prediction& p : predictions) {
        csv += csvField(p.file) + ",";
        if (p.error.empty()) {
            std::snprintf(number, sizeof number, "%.6f", p.confidence);
            csv += classNames.at(static_cast<std::size_t>(p.predicted)) + "," + number;
            for (double v : p.probabilities) {
                std::snprintf(number, sizeof number, "%.6f", v);
                csv += std::string(",") + number;
            }
            csv += std::string(",") + (p.calibrated ? "yes" : "no") + "," + (p.unlikeTraining ? "yes" : "no") + ",";
            if (p.outlierScore) {
                std::snprintf(number, sizeof number, "%.3f", *p.outlierScore);
                csv += number;
            }
            std::string warnings;
            for (const std::string& w : p.warnings)
                warnings += (warnings.empty() ? "" : "; ") + w;
            csv += "," + csvField(warnings) + ",\n";
        } else {
            csv += "," + std::string(classNames.size(), ',') + ",,,,," + csvField(p.error) + "\n";
        }
    }
    return csv;
}

} // namespace neurodx
