#include "Calibration.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace neurodx {

std::vector<double> softmax(const std::vector<double>& logits, double temperature)
{
    std::vector<double> p(logits.size());
    if (logits.empty())
        return p;
    const double top = *std::max_element(logits.begin(), logits.end()) / temperature;
    double sum = 0;
    for (std::size_t c = 0; c < logits.size(); ++c)
        sum += p[c] = std::exp(logits[c] / temperature - top);
    for (double& v : p)
        v /= sum;
    return p;
}

std::vector<std::vector<double>> softmaxRows(const std::vector<std::vector<double>>& logits, double temperature)
{
    std::vector<std::vector<double>> rows;
    rows.reserve(logits.size());
    for (const auto& row : logits)
        rows.push_back(softmax(row, temperature));
    return rows;
}

double negativeLogLikelihood(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels, double temperature)
{
    if (logits.size() != labels.size())
        throw NeuroDxError(ErrorKind::InvalidArgument, "calibration: logits and labels differ in number");
    double sum = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        // log softmax, computed stably: z_y / T - logsumexp(z / T)
        const auto& z = logits[i];
        const double top = *std::max_element(z.begin(), z.end()) / temperature;
        double total = 0;
        for (double v : z)
            total += std::exp(v / temperature - top);
        sum -= z.at(static_cast<std::size_t>(labels[i])) / temperature - top - std::log(total);
    }
    return logits.empty() ? 0.0 : sum / static_cast<double>(logits.size());
}

bool isTemperatureAtBound(double temperature)
{
    return temperature < 0.0505 || temperature > 19.8;
}

double fitTemperature(const std::vector<std::vector<double>>& logits, const std::vector<int>& labels)
{
    if (logits.empty())
        return 1.0;
    const auto nll = [&](double logT) { return negativeLogLikelihood(logits, labels, std::exp(logT)); };
    double a = std::log(0.05), b = std::log(20.0);
    const double ratio = (std::sqrt(5.0) - 1) / 2;
    double c = b - ratio * (b - a), d = a + ratio * (b - a);
    double fc = nll(c), fd = nll(d);
    for (int i = 0; i < 80 && b - a > 1e-6; ++i) {
        if (fc <= fd) { // on a tie (a flat NLL: every case right) towards the smaller T, i.e. the bound
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = nll(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = nll(d);
        }
    }
    return std::exp((a + b) / 2);
}

CalibrationMetrics calibrationMetrics(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int bins)
{
    if (labels.size() != probabilities.size())
        throw NeuroDxError(ErrorKind::InvalidArgument, "calibration metrics: labels and probabilities differ in number");
    if (bins < 1)
        throw NeuroDxError(ErrorKind::InvalidArgument, "calibration metrics: at least one bin is needed");
    CalibrationMetrics m;
    m.count = labels.size();
    m.bins.resize(static_cast<std::size_t>(bins));
    for (int b = 0; b < bins; ++b) {
        m.bins[static_cast<std::size_t>(b)].lower = double(b) / bins;
        m.bins[static_cast<std::size_t>(b)].upper = double(b + 1) / bins;
    }
    std::vector<double> confidenceSum(m.bins.size(), 0.0), correctSum(m.bins.size(), 0.0);
    double brier = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const auto& p = probabilities[i];
        if (p.empty() || !std::isfinite(*std::max_element(p.begin(), p.end())))
            throw NeuroDxError(ErrorKind::InvalidArgument, "calibration metrics: case " + std::to_string(i) + " has no finite probabilities");
        const auto top = std::max_element(p.begin(), p.end());
        const double confidence = *top;
        const bool correct = (top - p.begin()) == labels[i];
        // Bins are (lower, upper]: a confidence of exactly 1 falls in the last bin.
        const auto bin = static_cast<std::size_t>(std::clamp(static_cast<int>(std::ceil(confidence * bins)) - 1, 0, bins - 1));
        ++m.bins[bin].count;
        confidenceSum[bin] += confidence;
        correctSum[bin] += correct ? 1.0 : 0.0;
        for (std::size_t c = 0; c < p.size(); ++c) {
            const double target = static_cast<int>(c) == labels[i] ? 1.0 : 0.0;
            brier += (p[c] - target) * (p[c] - target);
        }
    }
    for (std::size_t b = 0; b < m.bins.size(); ++b) {
        ReliabilityBin& bin = m.bins[b];
        if (bin.count == 0)
            continue;
        bin.meanConfidence = confidenceSum[b] / static_cast<double>(bin.count);
        bin.accuracy = correctSum[b] / static_cast<double>(bin.count);
        m.ece += static_cast<double>(bin.count) / static_cast<double>(m.count) * std::abs(bin.accuracy - bin.meanConfidence);
    }
    m.brier = m.count ? brier / static_cast<double>(m.count) : 0.0;
    return m;
}

void addCalibrationIntervals(CalibrationMetrics& metrics, const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities,
                             int resamples, std::uint64_t seed)
{
    if (labels.empty() || resamples < 1)
        return;
    std::vector<double> ece, brier;
    forEachBootstrapSample(labels, probabilities, resamples, SeededRandom::derive(seed, 0xCA1Bull),
                           [&](const std::vector<int>& sampleLabels, const std::vector<std::vector<double>>& sampleProbabilities) {
                               const CalibrationMetrics s = calibrationMetrics(sampleLabels, sampleProbabilities, static_cast<int>(metrics.bins.size()));
                               ece.push_back(s.ece);
                               brier.push_back(s.brier);
                           });
    metrics.eceCi = percentileInterval(ece);
    metrics.brierCi = percentileInterval(brier);
}

nlohmann::json toJson(const CalibrationMetrics& metrics)
{
    nlohmann::json bins = nlohmann::json::array();
    for (const ReliabilityBin& b : metrics.bins)
        bins.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count}, {"mean_confidence", b.meanConfidence}, {"accuracy", b.accuracy}});
    nlohmann::json j{{"ece", metrics.ece}, {"brier", metrics.brier}, {"count", metrics.count}, {"bins", bins}};
    if (metrics.eceCi)
        j["ece_ci"] = {metrics.eceCi->low, metrics.eceCi->high};
    if (metrics.brierCi)
        j["brier_ci"] = {metrics.brierCi->low, metrics.brierCi->high};
    return j;
}

CalibrationMetrics calibrationMetricsFromJson(const nlohmann::json& json)
{
    CalibrationMetrics m;
    m.ece = json.at("ece").get<double>();
    m.brier = json.at("brier").get<double>();
    m.count = json.at("count").get<std::size_t>();
    for (const nlohmann::json& b : json.at("bins"))
        m.bins.push_back({b.at("lower").get<double>(), b.at("upper").get<double>(), b.at("count").get<std::size_t>(),
                          b.at("mean_confidence").get<double>(), b.at("accuracy").get<double>()});
    if (json.contains("ece_ci"))
        m.eceCi = Interval{json["ece_ci"].at(0).get<double>(), json["ece_ci"].at(1).get<double>()};
    if (json.contains("brier_ci"))
        m.brierCi = Interval{json["brier_ci"].at(0).get<double>(), json["brier_ci"].at(1).get<double>()};
    return m;
}

} // namespace neurodx
