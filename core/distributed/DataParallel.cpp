#include "DataParallel.h"

#include "Classifier.h"

#include "common/NeuroDxError.h"
#include "distributed/DistributedGroup.h"

#include <torch/torch.h>

namespace neurodx {

namespace {

constexpr int kTotals = 6; // StepTotals' fields, appended to the last bucket (then the presence flags)

} // namespace

DataParallel::DataParallel(DistributedGroup* group, Classifier& model, int imageSize, std::size_t bucketBytes) : m_group(group)
{
    bool batchNorm = false;
    for (const auto& buffer : model.named_buffers())
        batchNorm = batchNorm || buffer.key().find("running_mean") != std::string::npos;
    m_oneSliceFails = batchNorm && (imageSize <= 0 || imageSize / 32 <= 1);
    if (!m_group)
        return;
    for (const torch::Tensor& p : model.parameters())
        m_parameters.push_back(p);
    for (const torch::Tensor& b : model.buffers())
        m_buffers.push_back(b);
    // Trainable parameters in model order, packed greedily into buckets of about `bucketBytes`; a
    // parameter larger than that gets a bucket of its own. Frozen ones (a frozen backbone) are left out.
    Bucket current;
    std::size_t currentBytes = 0;
    for (const torch::Tensor& p : m_parameters) {
        if (!p.requires_grad())
            continue;
        const std::size_t bytes = static_cast<std::size_t>(p.numel()) * sizeof(float);
        if (!current.parameters.empty() && currentBytes + bytes > bucketBytes) {
            m_buckets.push_back(std::move(current));
            current = {};
            currentBytes = 0;
        }
        current.parameters.push_back(p);
        currentBytes += bytes;
    }
    if (!current.parameters.empty() || m_buckets.empty())
        m_buckets.push_back(std::move(current));
    m_tail = kTotals;
    for (const Bucket& bucket : m_buckets)
        m_tail += static_cast<std::int64_t>(bucket.parameters.size());
    for (std::size_t b = 0; b < m_buckets.size(); ++b) {
        std::int64_t elements = b + 1 == m_buckets.size() ? m_tail : 0;
        for (const torch::Tensor& p : m_buckets[b].parameters)
            elements += p.numel();
        m_buckets[b].flat = torch::zeros({elements}, torch::kFloat32);
    }
}

bool DataParallel::isLeader() const
{
    return !m_group || m_group->isLeader();
}

int DataParallel::rank() const
{
    return m_group ? m_group->rank() : 0;
}

int DataParallel::worldSize() const
{
    return m_group ? m_group->worldSize() : 1;
}

void DataParallel::broadcastModel(const char* when)
{
    if (!m_group)
        return;
    std::vector<torch::Tensor> state = m_parameters;
    state.insert(state.end(), m_buffers.begin(), m_buffers.end());
    m_group->broadcast(state, 0, when);
}

void DataParallel::broadcastBuffers()
{
    if (m_group && !m_buffers.empty())
        m_group->broadcast(m_buffers, 0, "sharing rank 0's batch-norm statistics");
}

StepTotals DataParallel::reduceStep(const StepTotals& local)
{
    if (!m_group)
        return local;
    torch::NoGradGuard noGrad;
    float* totals = m_buckets.back().flat.data_ptr<float>() + (m_buckets.back().flat.numel() - m_tail);
    float* presence = totals + kTotals;
    std::int64_t index = 0;
    for (Bucket& bucket : m_buckets) {
        std::int64_t offset = 0;
        for (const torch::Tensor& p : bucket.parameters) {
            const std::int64_t n = p.numel();
            torch::Tensor slot = bucket.flat.narrow(0, offset, n);
            if (p.grad().defined())
                slot.view(p.sizes()).copy_(p.grad());
            else
                slot.zero_();
            presence[index++] = p.grad().defined() ? 1.0f : 0.0f;
            offset += n;
        }
    }
    totals[0] = static_cast<float>(local.lossSum);
    totals[1] = static_cast<float>(local.weightSum);
    totals[2] = static_cast<float>(local.correct);
    totals[3] = static_cast<float>(local.slices);
    totals[4] = local.stop ? 1.0f : 0.0f;
    totals[5] = local.nonFinite ? 1.0f : 0.0f;
    for (Bucket& bucket : m_buckets)
        m_group->allreduceSum(bucket.flat, "averaging gradients");

    StepTotals global;
    global.lossSum = totals[0];
    global.weightSum = totals[1];
    global.correct = totals[2];
    global.slices = totals[3];
    global.stop = totals[4] > 0;
    global.nonFinite = totals[5] > 0 || !std::isfinite(global.lossSum);
    global.meanLoss = global.weightSum > 0 ? global.lossSum / global.weightSum : std::nan("");
    if (global.stop || global.weightSum <= 0)
        return global;
    // The gradient of the global batch's mean loss: sum over ranks of their summed-loss gradients,
    // divided by the global denominator. The gradients view the buckets until the next step
    // releases them, which saves a copy of every gradient.
    index = 0;
    for (Bucket& bucket : m_buckets) {
        const std::int64_t gradients = bucket.flat.numel() - (&bucket == &m_buckets.back() ? m_tail : 0);
        bucket.flat.narrow(0, 0, gradients).div_(global.weightSum);
        std::int64_t offset = 0;
        for (torch::Tensor& p : bucket.parameters) {
            const std::int64_t n = p.numel();
            if (presence[index++] > 0)
                p.mutable_grad() = bucket.flat.narrow(0, offset, n).view(p.sizes());
            else
                p.mutable_grad().reset();
            offset += n;
        }
    }
    return global;
}

std::vector<double> DataParallel::sum(std::vector<double> values, const char* what)
{
    if (!m_group || values.empty())
        return values;
    torch::Tensor t = torch::tensor(values, torch::kFloat64);
    m_group->allreduceSum(t, what);
    const double* out = t.data_ptr<double>();
    return {out, out + values.size()};
}

std::string DataParallel::fromLeader(const std::string& text, const char* what)
{
    return m_group ? m_group->broadcastText(text, 0, what) : text;
}

std::vector<EpochRecord> DataParallel::historyFromLeader(const std::vector<EpochRecord>& history)
{
    if (!m_group)
        return history;
    constexpr int kFields = 7;
    const auto count = static_cast<std::int64_t>(std::stoll(m_group->broadcastText(std::to_string(history.size()), 0, "sharing the history")));
    torch::Tensor table = torch::zeros({std::max<std::int64_t>(count, 1), kFields}, torch::kFloat64);
    if (isLeader()) {
        for (std::size_t i = 0; i < history.size(); ++i) {
            const EpochRecord& r = history[i];
            const double row[kFields] = {static_cast<double>(r.epoch), r.loss, r.accuracy, r.valLoss, r.valAccuracy, r.learningRate, r.seconds};
            for (int f = 0; f < kFields; ++f)
                table[static_cast<std::int64_t>(i)][f] = row[f];
        }
    }
    m_group->broadcast({table}, 0, "sharing the history");
    std::vector<EpochRecord> shared;
    for (std::int64_t i = 0; i < count; ++i) {
        const auto row = table[i];
        EpochRecord r;
        r.epoch = static_cast<int>(row[0].item<double>());
        r.loss = row[1].item<double>();
        r.accuracy = row[2].item<double>();
        r.valLoss = row[3].item<double>();
        r.valAccuracy = row[4].item<double>();
        r.learningRate = row[5].item<double>();
        r.seconds = row[6].item<double>();
        shared.push_back(r);
    }
    return shared;
}

void DataParallel::onLeader(const char* what, const std::function<void()>& work)
{
    if (!m_group) {
        work();
        return;
    }
    m_group->runOnLeader(what, [&] {
        work();
        return std::string();
    });
}

EpochRecord DataParallel::agreeOnRecord(const EpochRecord& record)
{
    if (!m_group)
        return record;
    torch::Tensor figures = torch::tensor({record.loss, record.accuracy, record.valLoss, record.valAccuracy, record.learningRate}, torch::kFloat64);
    m_group->broadcast({figures}, 0, "sharing the epoch's figures");
    EpochRecord shared = record;
    const double* f = figures.data_ptr<double>();
    shared.loss = f[0];
    shared.accuracy = f[1];
    shared.valLoss = f[2];
    shared.valAccuracy = f[3];
    shared.learningRate = f[4];
    return shared;
}

std::pair<std::size_t, std::size_t> DataParallel::evaluationRange(std::size_t size) const
{
    const auto world = static_cast<std::size_t>(worldSize());
    const auto r = static_cast<std::size_t>(rank());
    return {size * r / world, size * (r + 1) / world};
}

} // namespace neurodx
