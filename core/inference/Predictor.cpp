#include "Predictor.h"

#include "common/TextUtil.h"
#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"
#include "imaging/SliceLoader.h"
#include "training/BatchLoader.h"
#include "training/Bf16Autocast.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>

namespace neurodx {

namespace {

std::vector<std::vector<double>> softmaxRows(const torch::Tensor& logits)
{
    const torch::Tensor p = torch::softmax(logits.to(torch::kCPU).to(torch::kFloat64), 1).contiguous();
    std::vector<std::vector<double>> rows;
    const double* data = p.data_ptr<double>();
    for (int64_t i = 0; i < p.size(0); ++i)
        rows.emplace_back(data + i * p.size(1), data + (i + 1) * p.size(1));
    return rows;
}

void fillPrediction(Prediction& prediction, std::vector<double> probabilities)
{
    prediction.probabilities = std::move(probabilities);
    const auto best = std::max_element(prediction.probabilities.begin(), prediction.probabilities.end());
    prediction.predicted = static_cast<int>(best - prediction.probabilities.begin());
    prediction.confidence = *best;
}

} // namespace

std::vector<std::vector<double>> predictProbabilities(Classifier& model, const SliceCache& cache, int channels, int batchSize, bool bf16)
{
    torch::InferenceMode inference;
    model.eval();
    const torch::Device device(computeDeviceName());
    std::vector<std::vector<double>> rows;
    forEachOrderedBatch(cache, batchSize, channels, [&](const Batch& batch) {
        torch::Tensor logits;
        {
            const Bf16Autocast autocast(bf16);
            logits = model.forward(channelsLast(batch.images.to(device)));
        }
        for (auto& row : softmaxRows(logits))
            rows.push_back(std::move(row));
    });
    return rows;
}

Predictor::Predictor(ModelBundle bundle, InferencePrecision precision) : m_bundle(std::move(bundle)), m_bf16(neurodx::usesBf16(precision))
{
    m_bundle.model->to(torch::Device(computeDeviceName()));
    toChannelsLast(*m_bundle.model, m_bundle.input.channels);
    m_bundle.model->eval();
}

std::vector<std::vector<double>> Predictor::predictBatch(const std::vector<cv::Mat>& cachedSlices)
{
    SliceCache cache;
    cache.images = cachedSlices;
    cache.labels.assign(cachedSlices.size(), 0);
    return predictProbabilities(*m_bundle.model, cache, m_bundle.input.channels, static_cast<int>(std::max<std::size_t>(1, cachedSlices.size())), m_bf16);
}

Prediction Predictor::predict(const Slice& slice)
{
    Prediction prediction;
    fillPrediction(prediction, predictBatch({cachedSlice(slice, m_bundle.input)}).front());
    return prediction;
}

std::vector<Prediction> Predictor::predictFiles(const std::vector<std::filesystem::path>& files, int batchSize)
{
    std::vector<Prediction> predictions(files.size());
    std::vector<cv::Mat> pending;
    std::vector<std::size_t> pendingIndex;
    const auto flush = [&] {
        if (pending.empty())
            return;
        const auto rows = predictBatch(pending);
        for (std::size_t i = 0; i < rows.size(); ++i)
            fillPrediction(predictions[pendingIndex[i]], rows[i]);
        pending.clear();
        pendingIndex.clear();
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        predictions[i].file = files[i].string();
        try {
            pending.push_back(cachedSlice(loadSlice(files[i]), m_bundle.input));
            pendingIndex.push_back(i);
        } catch (const NeuroDxError& e) {
            predictions[i].error = e.what();
        } catch (const std::exception& e) {
            predictions[i].error = files[i].string() + ": cannot be decoded (" + conciseReason(e.what()) + ")";
        }
        if (static_cast<int>(pending.size()) >= batchSize)
            flush();
    }
    flush();
    return predictions;
}

std::vector<std::vector<double>> Predictor::predictCache(const SliceCache& cache, int batchSize)
{
    return predictProbabilities(*m_bundle.model, cache, m_bundle.input.channels, batchSize, m_bf16);
}

} // namespace neurodx
