#include "Predictor.h"

#include "InputWarnings.h"

#include "common/TextUtil.h"
#include "evaluation/Calibration.h"
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

void fillPrediction(Prediction& prediction, std::vector<double> probabilities)
{
    prediction.probabilities = std::move(probabilities);
    const auto best = std::max_element(prediction.probabilities.begin(), prediction.probabilities.end());
    prediction.predicted = static_cast<int>(best - prediction.probabilities.begin());
    prediction.confidence = *best;
}

// The pooled features of a batch: global average over space for N x C x h x w activations.
torch::Tensor pooled(const torch::Tensor& features)
{
    return features.dim() == 4 ? features.mean({2, 3}) : features.flatten(1);
}

template <typename T>
std::vector<std::vector<T>> rowsOf(const torch::Tensor& matrix)
{
    const torch::Tensor m = matrix.to(torch::kCPU).to(torch::CppTypeToScalarType<T>()).contiguous();
    std::vector<std::vector<T>> rows;
    const T* data = m.data_ptr<T>();
    for (int64_t i = 0; i < m.size(0); ++i)
        rows.emplace_back(data + i * m.size(1), data + (i + 1) * m.size(1));
    return rows;
}

} // namespace

ModelOutputs predictOutputs(Classifier& model, const SliceCache& cache, int channels, int batchSize, bool bf16, bool withEmbeddings)
{
    torch::InferenceMode inference;
    model.eval();
    const torch::Device device(computeDeviceName());
    ModelOutputs outputs;
    forEachOrderedBatch(cache, batchSize, channels, [&](const Batch& batch) {
        torch::Tensor logits, embeddings;
        {
            const Bf16Autocast autocast(bf16);
            const torch::Tensor input = channelsLast(batch.images.to(device));
            if (withEmbeddings) {
                const torch::Tensor features = model.features(input);
                logits = model.head(features);
                embeddings = pooled(features);
            } else {
                logits = model.forward(input);
            }
        }
        for (auto& row : rowsOf<double>(logits))
            outputs.logits.push_back(std::move(row));
        if (withEmbeddings)
            for (auto& row : rowsOf<float>(embeddings))
                outputs.embeddings.push_back(std::move(row));
    });
    return outputs;
}

std::vector<std::vector<double>> predictProbabilities(Classifier& model, const SliceCache& cache, int channels, int batchSize, bool bf16)
{
    return softmaxRows(predictOutputs(model, cache, channels, batchSize, bf16, false).logits);
}

Predictor::Predictor(ModelBundle bundle, InferencePrecision precision) : m_bundle(std::move(bundle)), m_bf16(neurodx::usesBf16(precision))
{
    m_bundle.model->to(torch::Device(computeDeviceName()));
    toChannelsLast(*m_bundle.model, m_bundle.input.channels);
    m_bundle.model->eval();
    m_calibration = ModelCalibration::fromMetadata(m_bundle.metadata);
    if (m_bundle.metadata.is_object() && m_bundle.metadata.contains("feature_density")) {
        try {
            m_density = FeatureDensity::fromJson(m_bundle.metadata["feature_density"]);
        } catch (const NeuroDxError&) {
            m_density = {}; // a damaged description: predictions go on, without the outlier check
        }
    }
}

std::vector<Prediction> Predictor::predictCache(const SliceCache& cache, int batchSize)
{
    const bool scored = hasFeatureDensity();
    const ModelOutputs outputs = predictOutputs(*m_bundle.model, cache, m_bundle.input.channels, std::max(1, batchSize), m_bf16, scored);
    const double temperature = this->temperature();
    std::vector<Prediction> predictions(outputs.logits.size());
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        fillPrediction(predictions[i], softmax(outputs.logits[i], temperature));
        predictions[i].calibrated = isCalibrated();
        if (scored && i < outputs.embeddings.size() && outputs.embeddings[i].size() == m_density.featureCount()) {
            predictions[i].outlierScore = m_density.score(outputs.embeddings[i]);
            predictions[i].unlikeTraining = m_density.isUnusual(*predictions[i].outlierScore);
        }
    }
    return predictions;
}

Predictor::ExplainablePass Predictor::predictExplainable(const Slice& slice)
{
    SliceCache cache;
    cache.images = {cachedSlice(slice, m_bundle.input)};
    cache.labels = {0};
    torch::Tensor input;
    forEachOrderedBatch(cache, 1, m_bundle.input.channels, [&](const Batch& batch) { input = batch.images; });
    Classifier& model = *m_bundle.model;
    model.eval();
    ExplainablePass pass;
    pass.precision = m_bf16 ? "bfloat16" : "float32";
    {
        torch::NoGradGuard noGrad; // the backbone's gradients are not needed: Grad-CAM starts at its output
        const Bf16Autocast autocast(m_bf16);
        pass.features = model.features(channelsLast(input.to(torch::Device(computeDeviceName()))));
    }
    pass.features = pass.features.to(torch::kFloat).detach().requires_grad_(true);
    {
        const Bf16Autocast autocast(m_bf16);
        pass.logits = model.head(pass.features);
    }
    fillPrediction(pass.prediction, softmax(rowsOf<double>(pass.logits.detach()).front(), temperature()));
    pass.prediction.calibrated = isCalibrated();
    if (hasFeatureDensity()) {
        const std::vector<float> embedding = rowsOf<float>(pooled(pass.features.detach())).front();
        if (embedding.size() == m_density.featureCount()) {
            pass.prediction.outlierScore = m_density.score(embedding);
            pass.prediction.unlikeTraining = m_density.isUnusual(*pass.prediction.outlierScore);
        }
    }
    return pass;
}

Prediction Predictor::predict(const Slice& slice)
{
    SliceCache cache;
    cache.images = {cachedSlice(slice, m_bundle.input)};
    cache.labels = {0};
    return predictCache(cache, 1).front();
}

std::vector<Prediction> Predictor::predictFiles(const std::vector<std::filesystem::path>& files, int batchSize)
{
    std::vector<Prediction> predictions(files.size());
    SliceCache pending;
    std::vector<std::size_t> pendingIndex;
    std::vector<SliceInfo> pendingInfo;
    const auto flush = [&] {
        if (pending.images.empty())
            return;
        pending.labels.assign(pending.images.size(), 0);
        std::vector<Prediction> batch = predictCache(pending, static_cast<int>(pending.images.size()));
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].file = predictions[pendingIndex[i]].file;
            batch[i].warnings = predictionWarnings(pendingInfo[i], m_bundle.input.size, batch[i]);
            predictions[pendingIndex[i]] = std::move(batch[i]);
        }
        pending.images.clear();
        pendingIndex.clear();
        pendingInfo.clear();
    };
    for (std::size_t i = 0; i < files.size(); ++i) {
        predictions[i].file = files[i].string();
        try {
            const Slice slice = loadSlice(files[i]);
            pending.images.push_back(cachedSlice(slice, m_bundle.input));
            pendingIndex.push_back(i);
            pendingInfo.push_back(slice.info);
        } catch (const NeuroDxError& e) {
            predictions[i].error = e.what();
        } catch (const std::exception& e) {
            predictions[i].error = files[i].string() + ": cannot be decoded (" + conciseReason(e.what()) + ")";
        }
        if (static_cast<int>(pending.images.size()) >= batchSize)
            flush();
    }
    flush();
    return predictions;
}



} // namespace neurodx
