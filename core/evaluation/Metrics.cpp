#include "Metrics.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <numeric>

namespace neurodx {

namespace {

int argmax(const std::vector<double>& p)
{
    return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

double safeDivide(double a, double b) { return b > 0 ? a / b : 0.0; }

} // namespace

Interval percentileInterval(std::vector<double> values)
{
    if (values.empty())
        return {};
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) { return values[static_cast<std::size_t>(std::floor(q * static_cast<double>(values.size() - 1) + 0.5))]; };
    return {at(0.025), at(0.975)};
}

std::optional<double> rocAuc(const std::vector<bool>& positive, const std::vector<double>& scores)
{
    const std::size_t n = scores.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
    // Average ranks over ties, then U = sum of positive ranks - P(P+1)/2.
    std::vector<double> rank(n);
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j + 1 < n && scores[order[j + 1]] == scores[order[i]])
            ++j;
        const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
        for (std::size_t k = i; k <= j; ++k)
            rank[order[k]] = average;
        i = j + 1;
    }
    double positives = 0, rankSum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (positive[i]) {
            positives += 1;
            rankSum += rank[i];
        }
    }
    const double negatives = static_cast<double>(n) - positives;
    if (positives == 0 || negatives == 0)
        return std::nullopt;
    return (rankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

std::vector<std::pair<double, double>> rocCurve(const std::vector<bool>& positive, const std::vector<double>& scores)
{
    std::vector<std::size_t> order(scores.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    const double positives = static_cast<double>(std::count(positive.begin(), positive.end(), true));
    const double negatives = static_cast<double>(positive.size()) - positives;
    std::vector<std::pair<double, double>> points{{0.0, 0.0}};
    double tp = 0, fp = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        (positive[order[i]] ? tp : fp) += 1;
        if (i + 1 == order.size() || scores[order[i + 1]] != scores[order[i]])
            points.emplace_back(safeDivide(fp, negatives), safeDivide(tp, positives));
    }
    return points;
}

ClassificationMetrics classificationMetrics(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int classes)
{
    if (labels.size() != probabilities.size())
        throw NeuroDxError(ErrorKind::InvalidArgument, "labels and probabilities differ in count");
    const auto k = static_cast<std::size_t>(classes);
    ClassificationMetrics m;
    m.count = labels.size();
    m.confusion.assign(k, std::vector<std::size_t>(k, 0));
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= classes || probabilities[i].size() != k)
            throw NeuroDxError(ErrorKind::InvalidArgument, "a label or probability vector does not fit " + std::to_string(classes) + " classes");
        ++m.confusion[static_cast<std::size_t>(labels[i])][static_cast<std::size_t>(argmax(probabilities[i]))];
    }

    const double n = static_cast<double>(m.count);
    double correct = 0, recallSum = 0, f1Sum = 0, aucSum = 0;
    int presentClasses = 0, aucClasses = 0;
    std::vector<double> truthTotals(k, 0), predictedTotals(k, 0);
    m.perClass.resize(k);
    for (std::size_t c = 0; c < k; ++c) {
        for (std::size_t j = 0; j < k; ++j) {
            truthTotals[c] += static_cast<double>(m.confusion[c][j]);
            predictedTotals[c] += static_cast<double>(m.confusion[j][c]);
        }
    }
    for (std::size_t c = 0; c < k; ++c) {
        const double tp = static_cast<double>(m.confusion[c][c]);
        const double fn = truthTotals[c] - tp;
        const double fp = predictedTotals[c] - tp;
        const double tn = n - tp - fn - fp;
        ClassMetrics& cm = m.perClass[c];
        cm.support = static_cast<std::size_t>(truthTotals[c]);
        cm.precision = safeDivide(tp, tp + fp);
        cm.recall = safeDivide(tp, tp + fn);
        cm.specificity = safeDivide(tn, tn + fp);
        cm.f1 = safeDivide(2 * cm.precision * cm.recall, cm.precision + cm.recall);
        std::vector<bool> positive(labels.size());
        std::vector<double> scores(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) {
            positive[i] = labels[i] == static_cast<int>(c);
            scores[i] = probabilities[i][c];
        }
        cm.auc = rocAuc(positive, scores);
        correct += tp;
        f1Sum += cm.f1;
        if (cm.support > 0) {
            recallSum += cm.recall;
            ++presentClasses;
        }
        if (cm.auc) {
            aucSum += *cm.auc;
            ++aucClasses;
        }
    }
    m.accuracy = safeDivide(correct, n);
    m.balancedAccuracy = presentClasses > 0 ? recallSum / presentClasses : 0.0;
    m.macroF1 = k > 0 ? f1Sum / static_cast<double>(k) : 0.0;
    if (aucClasses > 0)
        m.macroAuc = aucSum / aucClasses;

    // Gorodkin's R_K: (c*s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)).
    double pt = 0, pp = 0, tt = 0;
    for (std::size_t c = 0; c < k; ++c) {
        pt += predictedTotals[c] * truthTotals[c];
        pp += predictedTotals[c] * predictedTotals[c];
        tt += truthTotals[c] * truthTotals[c];
    }
    const double denominator = std::sqrt((n * n - pp) * (n * n - tt));
    m.mcc = denominator > 0 ? (correct * n - pt) / denominator : 0.0;
    return m;
}

void forEachBootstrapSample(const std::vector<int>& labels, const std::vector<std::vector<double>>& probabilities, int resamples,
                            std::uint64_t randomSeed,
                            const std::function<void(const std::vector<int>&, const std::vector<std::vector<double>>&)>& measure)
{
    SeededRandom random(randomSeed);
    std::vector<int> sampleLabels(labels.size());
    std::vector<std::vector<double>> sampleProbabilities(labels.size());
    for (int r = 0; r < resamples; ++r) {
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const std::size_t pick = random.below(labels.size());
            sampleLabels[i] = labels[pick];
            sampleProbabilities[i] = probabilities[pick];
        }
        measure(sampleLabels, sampleProbabilities);
    }
}

void addBootstrapIntervals(ClassificationMetrics& metrics, const std::vector<int>& labels,
                           const std::vector<std::vector<double>>& probabilities, int classes, int resamples, std::uint64_t seed)
{
    if (labels.empty() || resamples < 1)
        return;
    const auto k = static_cast<std::size_t>(classes);
    std::vector<double> accuracy, balanced, macroF1, mcc, macroAuc;
    std::vector<std::vector<double>> precision(k), recall(k), f1(k), auc(k);
    forEachBootstrapSample(labels, probabilities, resamples, SeededRandom::derive(seed, 0xB0075ull),
                           [&](const std::vector<int>& sampleLabels, const std::vector<std::vector<double>>& sampleProbabilities) {
        const ClassificationMetrics s = classificationMetrics(sampleLabels, sampleProbabilities, classes);
        accuracy.push_back(s.accuracy);
        balanced.push_back(s.balancedAccuracy);
        macroF1.push_back(s.macroF1);
        mcc.push_back(s.mcc);
        if (s.macroAuc)
            macroAuc.push_back(*s.macroAuc);
        for (std::size_t c = 0; c < k; ++c) {
            precision[c].push_back(s.perClass[c].precision);
            recall[c].push_back(s.perClass[c].recall);
            f1[c].push_back(s.perClass[c].f1);
            if (s.perClass[c].auc) // undefined in a resample without this class (or only it)
                auc[c].push_back(*s.perClass[c].auc);
        }
    });
    metrics.accuracyCi = percentileInterval(accuracy);
    metrics.balancedAccuracyCi = percentileInterval(balanced);
    metrics.macroF1Ci = percentileInterval(macroF1);
    metrics.mccCi = percentileInterval(mcc);
    if (!macroAuc.empty())
        metrics.macroAucCi = percentileInterval(macroAuc);
    metrics.precisionCi.clear();
    metrics.recallCi.clear();
    metrics.f1Ci.clear();
    metrics.aucCi.clear();
    for (std::size_t c = 0; c < k; ++c) {
        metrics.precisionCi.push_back(percentileInterval(precision[c]));
        metrics.recallCi.push_back(percentileInterval(recall[c]));
        metrics.f1Ci.push_back(percentileInterval(f1[c]));
        metrics.aucCi.push_back(auc[c].empty() ? std::nullopt : std::optional<Interval>(percentileInterval(auc[c])));
    }
}

std::vector<std::vector<double>> ClassificationMetrics::normalisedConfusion() const
{
    std::vector<std::vector<double>> result;
    for (const auto& row : confusion) {
        const double total = static_cast<double>(std::accumulate(row.begin(), row.end(), std::size_t{0}));
        std::vector<double> normalised;
        for (std::size_t v : row)
            normalised.push_back(safeDivide(static_cast<double>(v), total));
        result.push_back(normalised);
    }
    return result;
}

namespace {

nlohmann::json optionalJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
nlohmann::json intervalJson(const std::optional<Interval>& i) { return i ? nlohmann::json{i->low, i->high} : nlohmann::json(); }

} // namespace

nlohmann::json toJson(const ClassificationMetrics& m, const std::vector<std::string>& classNames)
{
    nlohmann::json perClass = nlohmann::json::object();
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ClassMetrics& cm = m.perClass[c];
        nlohmann::json item = {{"precision", cm.precision}, {"recall", cm.recall}, {"specificity", cm.specificity},
                               {"f1", cm.f1}, {"support", cm.support}, {"auc", optionalJson(cm.auc)}};
        if (c < m.precisionCi.size()) {
            item["precision_ci95"] = intervalJson(m.precisionCi[c]);
            item["recall_ci95"] = intervalJson(m.recallCi[c]);
            item["f1_ci95"] = intervalJson(m.f1Ci[c]);
        }
        if (c < m.aucCi.size())
            item["auc_ci95"] = intervalJson(m.aucCi[c]);
        perClass[c < classNames.size() ? classNames[c] : std::to_string(c)] = item;
    }
    return {{"count", m.count},
            {"accuracy", m.accuracy},
            {"balanced_accuracy", m.balancedAccuracy},
            {"macro_f1", m.macroF1},
            {"mcc", m.mcc},
            {"macro_auc", optionalJson(m.macroAuc)},
            {"accuracy_ci95", intervalJson(m.accuracyCi)},
            {"balanced_accuracy_ci95", intervalJson(m.balancedAccuracyCi)},
            {"macro_f1_ci95", intervalJson(m.macroF1Ci)},
            {"mcc_ci95", intervalJson(m.mccCi)},
            {"macro_auc_ci95", intervalJson(m.macroAucCi)},
            {"per_class", perClass},
            {"confusion", m.confusion},
            {"confusion_normalised", m.normalisedConfusion()}};
}

std::string confusionCsv(const ClassificationMetrics& m, const std::vector<std::string>& classNames)
{
    std::string csv = "true\\predicted";
    for (const std::string& name : classNames)
        csv += "," + name;
    csv += "\n";
    for (std::size_t r = 0; r < m.confusion.size(); ++r) {
        csv += r < classNames.size() ? classNames[r] : std::to_string(r);
        for (std::size_t v : m.confusion[r])
            csv += "," + std::to_string(v);
        csv += "\n";
    }
    return csv;
}

std::string metricsCsv(const ClassificationMetrics& m, const std::vector<std::string>& classNames)
{
    const auto number = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%.6f", v);
        return std::string(text);
    };
    const auto interval = [&](const std::vector<std::optional<Interval>>& cis, std::size_t c) {
        return c < cis.size() && cis[c] ? number(cis[c]->low) + "," + number(cis[c]->high) : std::string(",");
    };
    std::string csv = "class,precision,precision_low,precision_high,recall,recall_low,recall_high,specificity,f1,f1_low,f1_high,support,auc\n";
    for (std::size_t c = 0; c < m.perClass.size(); ++c) {
        const ClassMetrics& k = m.perClass[c];
        csv += (c < classNames.size() ? classNames[c] : std::to_string(c)) + "," + number(k.precision) + "," + interval(m.precisionCi, c) + "," +
               number(k.recall) + "," + interval(m.recallCi, c) + "," + number(k.specificity) + "," + number(k.f1) + "," + interval(m.f1Ci, c) + "," +
               std::to_string(k.support) + "," + (k.auc ? number(*k.auc) : std::string()) + "\n";
    }
    const auto summary = [&](const std::string& name, double value, const std::optional<Interval>& ci) {
        csv += name + "," + number(value) + "," + (ci ? number(ci->low) + "," + number(ci->high) : std::string(",")) + ",,,,,,,," +
               std::to_string(m.count) + ",\n";
    };
    summary("accuracy", m.accuracy, m.accuracyCi);
    summary("balanced_accuracy", m.balancedAccuracy, m.balancedAccuracyCi);
    summary("macro_f1", m.macroF1, m.macroF1Ci);
    summary("mcc", m.mcc, m.mccCi);
    if (m.macroAuc)
        summary("macro_auc", *m.macroAuc, m.macroAucCi);
    return csv;
}

} // namespace neurodx
