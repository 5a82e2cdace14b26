// Data-parallel steps between two ranks in one process (two threads, each with its own c10d group on
// loopback): the step two ranks take together is the step one process takes on the whole batch.
#include "FreePort.h"
#include "TestTree.h"

#include "Classifier.h"
#include "ModelRegistry.h"
#include "common/NeuroDxError.h"
#include "distributed/DataParallel.h"
#include "distributed/DataParallelJob.h"
#include "distributed/DistributedGroup.h"
#include "training/TrainingStep.h"

#include <torch/torch.h>

#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <future>
#include <optional>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

DistributedSetup loopbackSetup(int rank, int port, int timeoutSeconds = 20)
{
    DistributedSetup setup;
    setup.rank = rank;
    setup.worldSize = 2;
    setup.masterAddress = "127.0.0.1";
    setup.masterPort = port;
    setup.timeout = std::chrono::seconds(timeoutSeconds);
    return setup;
}

template <class Result>
struct RankResult {
    std::optional<Result> value;
    std::string error; // what the rank threw
};

// Runs `body` as rank 0 and rank 1 at once; each rank's result, or the text of what it threw.
template <class Result>
std::vector<RankResult<Result>> runTwoRanks(const std::function<Result(DistributedGroup&)>& body, int timeoutSeconds = 20)
{
    const int port = freeLoopbackPort();
    const auto rank = [&](int r) -> RankResult<Result> {
        try {
            DistributedGroup group(loopbackSetup(r, port, timeoutSeconds));
            return {body(group), {}};
        } catch (const std::exception& e) {
            return {std::nullopt, e.what()};
        }
    };
    auto first = std::async(std::launch::async, rank, 0);
    auto second = std::async(std::launch::async, rank, 1);
    return {first.get(), second.get()};
}

ModelSpec tinyCnn()
{
    ModelSpec spec;
    spec.architecture = Architecture::Cnn;
    spec.imageSize = 32;
    spec.inputChannels = 1;
    spec.classes = 3;
    spec.filters1 = 4;
    spec.filters2 = 4;
    spec.hiddenUnits = 8;
    return spec;
}

TrainingConfig plainConfig()
{
    TrainingConfig c;
    c.bf16 = false;
    c.bf16ConvolutionsOnly = false;
    c.input.size = 32;
    c.input.channels = 1;
    return c;
}

// The last step's gradients: Adam's step hardly depends on their scale, so they are compared too.
std::vector<torch::Tensor> gradientsOf(Classifier& model)
{
    std::vector<torch::Tensor> copy;
    for (const auto& p : model.parameters())
        copy.push_back(p.grad().defined() ? p.grad().detach().clone() : torch::zeros_like(p));
    return copy;
}

std::vector<torch::Tensor> parametersOf(Classifier& model)
{
    std::vector<torch::Tensor> copy;
    for (const auto& p : model.parameters())
        copy.push_back(p.detach().clone());
    return copy;
}

double largestDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    double largest = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        largest = std::max(largest, (a[i] - b[i]).abs().max().item<double>());
    return largest;
}

Batch rows(const Batch& batch, std::int64_t begin, std::int64_t end)
{
    return {batch.images.narrow(0, begin, end - begin), batch.labels.narrow(0, begin, end - begin)};
}

} // namespace

class DataParallelTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void twoRanksStepAsOneProcess_data();
    void twoRanksStepAsOneProcess();
    void aStopOnOneRankStopsBoth();
    void batchNormSkipsAOneSliceShare();
    void aParameterNoRankTrainedKeepsNoGradient();
    void textsAndFailuresCrossRanks();
    void cancellationsAndFoldersAreAgreed();
    void aVanishedRankIsReportedNotAwaited();

private:
    Batch m_batch;
};

void DataParallelTest::initTestCase()
{
    torch::manual_seed(3);
    m_batch = {torch::rand({32, 1, 32, 32}), torch::randint(0, 3, {32}, torch::kInt64)};
}

void DataParallelTest::twoRanksStepAsOneProcess_data()
{
    QTest::addColumn<int>("rank0Slices"); // rank 1 takes the rest of the 32
    QTest::addColumn<int>("bucketBytes");
    QTest::addColumn<bool>("classWeights");
    QTest::newRow("halves, one bucket") << 16 << (25 << 20) << false;
    QTest::newRow("halves, a bucket per few parameters") << 16 << 2048 << false;
    QTest::newRow("uneven shares, class weights") << 20 << 4096 << true;
    QTest::newRow("rank 1's share empty") << 32 << (25 << 20) << false;
}

void DataParallelTest::twoRanksStepAsOneProcess()
{
    QFETCH(int, rank0Slices);
    QFETCH(int, bucketBytes);
    QFETCH(bool, classWeights);
    constexpr int kSteps = 3;
    const TrainingConfig c = plainConfig();
    const torch::Device cpu(torch::kCPU);
    const torch::Tensor weights = classWeights ? torch::tensor({0.5f, 1.0f, 2.0f}) : torch::Tensor();

    struct RankOutcome {
        std::vector<torch::Tensor> initial, final, gradients;
        std::size_t buckets = 0;
    };
    const auto outcomes = runTwoRanks<RankOutcome>([&](DistributedGroup& group) {
        torch::manual_seed(100 + group.rank()); // different initial weights: the broadcast must unify them
        std::shared_ptr<Classifier> model = createModel(tinyCnn());
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
        DataParallel parallel(&group, *model, 32, static_cast<std::size_t>(bucketBytes));
        parallel.broadcastModel("test");
        RankOutcome outcome;
        outcome.initial = parametersOf(*model);
        outcome.buckets = parallel.bucketCount();
        const Batch mine = group.rank() == 0 ? rows(m_batch, 0, rank0Slices) : rows(m_batch, rank0Slices, 32);
        model->train();
        for (int s = 0; s < kSteps; ++s)
            dataParallelStep(parallel, *model, optimizer, mine, false, weights, c, cpu);
        outcome.final = parametersOf(*model);
        outcome.gradients = gradientsOf(*model);
        return outcome;
    });
    for (const auto& outcome : outcomes)
        QVERIFY2(outcome.value, outcome.error.c_str());
    const RankOutcome& rank0 = *outcomes[0].value;
    const RankOutcome& rank1 = *outcomes[1].value;
    QCOMPARE(largestDifference(rank0.initial, rank1.initial), 0.0);
    QCOMPARE(largestDifference(rank0.final, rank1.final), 0.0); // identical steps on every rank
    if (bucketBytes < 10000)
        QVERIFY2(rank0.buckets > 2, qPrintable(QString::number(rank0.buckets)));
    else
        QCOMPARE(rank0.buckets, std::size_t{1});

    // One process, the whole batch, from the same weights.
    std::shared_ptr<Classifier> model = createModel(tinyCnn());
    {
        torch::NoGradGuard noGrad;
        auto parameters = model->parameters();
        for (std::size_t i = 0; i < parameters.size(); ++i)
            parameters[i].copy_(rank0.initial[i]);
    }
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
    model->train();
    for (int s = 0; s < kSteps; ++s)
        singleProcessStep(*model, optimizer, m_batch, weights, c, cpu);
    const double gradientDifference = largestDifference(gradientsOf(*model), rank0.gradients);
    QVERIFY2(gradientDifference < 1e-6, qPrintable(QString::number(gradientDifference)));
    const double difference = largestDifference(parametersOf(*model), rank0.final);
    // The gradients agree to float32 rounding (sums in another order). Adam divides each gradient
    // by its own running magnitude, which magnifies that rounding for gradients near zero: after 3
    // steps of 1e-2 the weights agree to 1e-4 (2e-5 measured), a hundredth of one step.
    QVERIFY2(difference < 1e-4, qPrintable(QString::number(difference)));
    QVERIFY(largestDifference(rank0.initial, rank0.final) > 1e-3); // the steps were taken
}

void DataParallelTest::aStopOnOneRankStopsBoth()
{
    const TrainingConfig c = plainConfig();
    const auto outcomes = runTwoRanks<std::pair<bool, double>>([&](DistributedGroup& group) {
        std::shared_ptr<Classifier> model = createModel(tinyCnn());
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-2));
        DataParallel parallel(&group, *model);
        parallel.broadcastModel("test");
        const auto before = parametersOf(*model);
        const StepTotals step = dataParallelStep(parallel, *model, optimizer, rows(m_batch, 16 * group.rank(), 16 * group.rank() + 16),
                                                 /*stopping=*/group.rank() == 1, torch::Tensor(), c, torch::Device(torch::kCPU));
        return std::make_pair(step.stop, largestDifference(before, parametersOf(*model)));
    });
    for (const auto& outcome : outcomes) {
        QVERIFY2(outcome.value, outcome.error.c_str());
        QVERIFY(outcome.value->first);          // rank 0 learns of rank 1's Ctrl-C
        QCOMPARE(outcome.value->second, 0.0);   // and neither steps
    }
}

void DataParallelTest::batchNormSkipsAOneSliceShare()
{
    // The last global batch can leave a rank one slice; batch normalisation in training mode cannot
    // normalise one (LibTorch throws on that rank only, leaving the other waiting). The share is
    // left out and the step is the other ranks'.
    ModelSpec spec = tinyCnn();
    spec.architecture = Architecture::ResNet50V2;
    const TrainingConfig c = plainConfig();
    const auto outcomes = runTwoRanks<std::pair<double, double>>([&](DistributedGroup& group) {
        std::shared_ptr<Classifier> model = createModel(spec);
        torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
        DataParallel parallel(&group, *model);
        parallel.broadcastModel("test");
        model->train();
        const Batch share = group.rank() == 0 ? rows(m_batch, 0, 3) : rows(m_batch, 3, 4);
        const StepTotals step = dataParallelStep(parallel, *model, optimizer, share, false, torch::Tensor(), c, torch::Device(torch::kCPU));
        double checksum = 0;
        for (const auto& p : model->parameters())
            checksum += p.detach().sum().item<double>();
        return std::make_pair(step.slices, checksum);
    });
    for (const auto& outcome : outcomes)
        QVERIFY2(outcome.value, outcome.error.c_str());
    QCOMPARE(outcomes[0].value->first, 3.0); // rank 1's single slice was left out
    QCOMPARE(outcomes[0].value->second, outcomes[1].value->second); // the same step on both ranks
}

void DataParallelTest::aParameterNoRankTrainedKeepsNoGradient()
{
    // One process leaves a parameter without a gradient alone (Adam skips it); so must the ranks,
    // instead of handing it a zero gradient that Adam's momentum would still act on.
    const auto outcomes = runTwoRanks<std::pair<bool, bool>>([&](DistributedGroup& group) {
        std::shared_ptr<Classifier> model = createModel(tinyCnn());
        DataParallel parallel(&group, *model);
        parallel.broadcastModel("test");
        auto parameters = model->parameters();
        for (auto& p : parameters)
            p.mutable_grad() = torch::ones_like(p);
        parameters.front().mutable_grad().reset(); // no rank has a gradient for it
        if (group.rank() == 1)
            parameters.back().mutable_grad().reset(); // one rank has
        StepTotals local;
        local.weightSum = 1;
        parallel.reduceStep(local);
        return std::make_pair(parameters.front().grad().defined(), parameters.back().grad().defined());
    });
    for (const auto& outcome : outcomes) {
        QVERIFY2(outcome.value, outcome.error.c_str());
        QVERIFY(!outcome.value->first);
        QVERIFY(outcome.value->second);
    }
}

void DataParallelTest::textsAndFailuresCrossRanks()
{
    const auto outcomes = runTwoRanks<std::string>([](DistributedGroup& group) {
        std::string seen = group.broadcastText(group.isLeader() ? "from rank 0" : "", 0, "test");
        for (const std::string& text : group.allGatherText(std::string(static_cast<std::size_t>(group.rank()) * 3, 'x'), "test"))
            seen += "|" + text;
        try {
            group.runOnLeader("reading the run folder", []() -> std::string { throw NeuroDxError(ErrorKind::CorruptFile, "last.pt is damaged"); });
        } catch (const NeuroDxError& e) {
            seen += "|" + std::string(e.what());
        }
        try {
            group.requireAll("scanning", group.rank() == 1 ? "no images here" : "");
        } catch (const NeuroDxError& e) {
            seen += "|" + std::string(e.what());
        }
        return seen;
    });
    QVERIFY2(outcomes[0].value && outcomes[1].value, (outcomes[0].error + outcomes[1].error).c_str());
    const std::string rank0 = *outcomes[0].value;
    const std::string rank1 = *outcomes[1].value;
    QVERIFY2(QString::fromStdString(rank0).startsWith("from rank 0||xxx|last.pt is damaged|rank 0 of 2: stopping because of another rank, scanning: rank 1: no images here"),
             rank0.c_str());
    QVERIFY2(QString::fromStdString(rank1).startsWith("from rank 0||xxx|rank 1 of 2: stopping because rank 0 failed while reading the run folder: last.pt is damaged"
                                                     "|rank 1 of 2, scanning: no images here"),
             rank1.c_str());
}

void DataParallelTest::cancellationsAndFoldersAreAgreed()
{
    QTemporaryDir dir;
    const auto outcomes = runTwoRanks<std::string>([&](DistributedGroup& group) {
        std::string seen;
        // Only cancellations: a stop on every rank, not an error.
        try {
            group.requireAll("decoding the slices", group.rank() == 1 ? "cancelled" : "", ErrorKind::Cancelled);
        } catch (const NeuroDxError& e) {
            seen += e.kind() == ErrorKind::Cancelled ? "stopped" : "error";
        }
        // Rank 1 "on another machine": another folder at the path rank 0 gave.
        const fs::path folder = toPath(dir.path()) / (group.rank() == 0 ? "shared" : "elsewhere");
        fs::create_directories(folder);
        try {
            requireSharedFolder(group, folder);
            seen += "|shared";
        } catch (const NeuroDxError& e) {
            seen += std::string("|") + e.what();
        }
        requireSharedFolder(group, toPath(dir.path()) / "shared"); // the same folder: fine
        return seen + "|" + std::to_string(std::distance(fs::directory_iterator(toPath(dir.path()) / "shared"), fs::directory_iterator()));
    });
    QVERIFY2(outcomes[0].value && outcomes[1].value, (outcomes[0].error + outcomes[1].error).c_str());
    QVERIFY2(QString::fromStdString(*outcomes[0].value).startsWith("stopped|rank 0 of 2: stopping because of another rank"), outcomes[0].value->c_str());
    QVERIFY2(QString::fromStdString(*outcomes[1].value).contains("needs it on storage they share"), outcomes[1].value->c_str());
    QVERIFY(QString::fromStdString(*outcomes[0].value).endsWith("|0")); // the marker is removed
}

void DataParallelTest::aVanishedRankIsReportedNotAwaited()
{
    QElapsedTimer clock;
    clock.start();
    const auto outcomes = runTwoRanks<int>(
        [](DistributedGroup& group) {
            group.barrier("joining");
            if (group.rank() == 1)
                return 1; // leaves: its group closes its connections
            torch::Tensor t = torch::ones({4});
            group.allreduceSum(t, "averaging gradients"); // never answered
            return 0;
        },
        /*timeoutSeconds=*/30);
    QVERIFY(outcomes[1].value);
    QVERIFY2(!outcomes[0].value, "rank 0 pretended success");
    const QString message = QString::fromStdString(outcomes[0].error);
    QVERIFY2(message.contains("rank 0 of 2 lost the other ranks while averaging gradients"), qPrintable(message));
    QVERIFY2(clock.elapsed() < 25000, qPrintable(QString::number(clock.elapsed()))); // noticed, not timed out
}

QTEST_MAIN(DataParallelTest)
#include "tst_dataparallel.moc"
