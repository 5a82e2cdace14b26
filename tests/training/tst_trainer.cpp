#include "TestTree.h"

#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"
#include "evaluation/Metrics.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "synthetic/PhantomGenerator.h"
#include "training/Trainer.h"

#include <torch/torch.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <thread>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class TrainerTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void learnsOnHeldOutSubjects();
    void sameSeedSameHistory();
    void resumeContinuesExactly();
    void earlyStoppingRestoresTheBestWeights();
    void bestWeightsComeBackFromBestFile();
    void reducesLearningRateOnPlateau();
    void recordsEveryBatch();
    void cancelKeepsValidCheckpoints();
    void pauseWaitsForResume();
    void balancedClassWeights_data();
    void balancedClassWeights();
    void rejectsUnusableSetups();
    void bf16FollowsTheCpu();
    void eventsComeInKerasOrder();
    void historyNumbersEpochsFromOne_data();
    void historyNumbersEpochsFromOne();

private:
    TrainingConfig smallConfig(int epochs) const;
    TrainingData data(const fs::path& runFolder = {}) const;
    static std::vector<double> historyValues(const std::vector<EpochRecord>& history);

    QTemporaryDir m_dir;
    DatasetIndex m_index;
    SliceCache m_train, m_validation, m_test;
};

void TrainerTest::initTestCase()
{
    PhantomOptions phantoms;
    phantoms.subjectsPerClass = 12;
    phantoms.slicesPerSubject = 6;
    phantoms.size = 64;
    writeSyntheticDataset(toPath(m_dir.path()) / "data", phantoms);
    m_index = scanDataset(toPath(m_dir.path()) / "data");
    SplitConfig split;
    split.ratios = {0.6, 0.2, 0.2};
    const DatasetSplit parts = splitDataset(m_index, split);
    QVERIFY(parts.report.sharedSubjects.empty());
    const PreprocessConfig input{64, 1};
    m_train = buildSliceCache(m_index, parts.part(SplitPart::Train), input);
    m_validation = buildSliceCache(m_index, parts.part(SplitPart::Validation), input);
    m_test = buildSliceCache(m_index, parts.part(SplitPart::Test), input);
    QVERIFY(m_train.problems.empty());
}

TrainingConfig TrainerTest::smallConfig(int epochs) const
{
    TrainingConfig c;
    c.model.architecture = neurodx::Architecture::Cnn;
    c.model.filters1 = 8;
    c.model.filters2 = 8;
    c.model.hiddenUnits = 32;
    c.input = {64, 1};
    c.epochs = epochs;
    c.batchSize = 16;
    c.threads = 2;
    c.earlyStopping.enabled = false;
    return c;
}

TrainingData TrainerTest::data(const fs::path& runFolder) const
{
    TrainingData d;
    d.train = &m_train;
    d.validation = &m_validation;
    d.classNames = m_index.classNames;
    d.runFolder = runFolder;
    return d;
}

std::vector<double> TrainerTest::historyValues(const std::vector<EpochRecord>& history)
{
    std::vector<double> values;
    for (const EpochRecord& r : history)
        values.insert(values.end(), {r.loss, r.accuracy, r.valLoss, r.valAccuracy});
    return values;
}

void TrainerTest::learnsOnHeldOutSubjects()
{
    // CN against AD (the clearest contrast), subjects never seen in training: far above chance.
    PhantomOptions phantoms;
    phantoms.subjectsPerClass = 16;
    phantoms.slicesPerSubject = 8;
    phantoms.size = 64;
    phantoms.difficulty = 0.3;
    phantoms.classNames = {"CN", "AD"};
    const fs::path root = toPath(m_dir.path()) / "binary";
    writeSyntheticDataset(root, phantoms);
    ScanOptions scan;
    scan.classes = ClassScheme::fromNames({"CN", "AD"});
    const DatasetIndex index = scanDataset(root, scan);
    SplitConfig splitConfig;
    splitConfig.ratios = {0.6, 0.2, 0.2};
    const DatasetSplit split = splitDataset(index, splitConfig);
    const SliceCache train = buildSliceCache(index, split.part(SplitPart::Train), {64, 1});
    const SliceCache validation = buildSliceCache(index, split.part(SplitPart::Validation), {64, 1});
    const SliceCache test = buildSliceCache(index, split.part(SplitPart::Test), {64, 1});

    TrainingConfig c = smallConfig(20);
    c.model.filters1 = 16;
    c.model.filters2 = 16;
    c.model.hiddenUnits = 64;
    TrainingData d;
    d.train = &train;
    d.validation = &validation;
    d.classNames = index.classNames;
    TrainingControl control;
    const TrainingResult result = Trainer(c).run(d, control);
    QCOMPARE(result.history.size(), std::size_t{20});
    const auto probabilities = predictProbabilities(*result.model, test, 1);
    const ClassificationMetrics m = classificationMetrics(test.labels, probabilities, 2);
    qInfo("held-out subjects (CN vs AD): accuracy %.3f, AUC %.3f (chance 0.5)", m.accuracy, m.macroAuc.value_or(0));
    QVERIFY2(m.accuracy > 0.75, qPrintable(QString::number(m.accuracy)));
    QVERIFY(result.history.back().loss < result.history.front().loss);
}

void TrainerTest::sameSeedSameHistory()
{
    TrainingControl control;
    const auto a = Trainer(smallConfig(2)).run(data(), control);
    const auto b = Trainer(smallConfig(2)).run(data(), control);
    QCOMPARE(historyValues(a.history), historyValues(b.history));
    TrainingConfig other = smallConfig(2);
    other.seed = 7;
    QVERIFY(historyValues(Trainer(other).run(data(), control).history) != historyValues(a.history));
}

void TrainerTest::resumeContinuesExactly()
{
    const fs::path straight = toPath(m_dir.path()) / "straight";
    const fs::path interrupted = toPath(m_dir.path()) / "interrupted";
    TrainingControl control;
    const TrainingResult full = Trainer(smallConfig(4)).run(data(straight), control);
    Trainer(smallConfig(2)).run(data(interrupted), control);
    QCOMPARE(readHistoryCsv(interrupted / "history.csv").size(), std::size_t{2});
    TrainingData resumed = data(interrupted);
    resumed.resume = true;
    const TrainingResult continued = Trainer(smallConfig(4)).run(resumed, control);
    QCOMPARE(continued.history.size(), std::size_t{4});
    // Same batches, same augmentation, same optimizer state: the same numbers as never stopping.
    QCOMPARE(historyValues(continued.history), historyValues(full.history));
    const auto a = loadModelFile(straight / "last.pt");
    const auto b = loadModelFile(interrupted / "last.pt");
    for (std::size_t i = 0; i < a.model->parameters().size(); ++i)
        QVERIFY(torch::equal(a.model->parameters()[i], b.model->parameters()[i]));
}

void TrainerTest::bestWeightsComeBackFromBestFile()
{
    // With a run folder and the default callbacks, the best weights are not kept in memory but read
    // back from best.pt: the returned model must be best.pt's, not the last epoch's. Training labels
    // that ignore the image make the model fit noise, so validation loss gets worse after an early
    // epoch.
    const fs::path run = toPath(m_dir.path()) / "best-from-file";
    TrainingConfig c = smallConfig(5);
    c.learningRate = 0.01;
    c.earlyStopping = {true, MonitoredMetric::ValLoss, 10, 0.0, true};
    SliceCache noisy = m_train;
    for (std::size_t i = 0; i < noisy.labels.size(); ++i)
        noisy.labels[i] = static_cast<int>((i * 7 + i / 5) % 3);
    TrainingData d = data(run);
    d.train = &noisy;
    TrainingControl control;
    const TrainingResult result = Trainer(c).run(d, control);
    QCOMPARE(result.history.size(), std::size_t{5});
    QVERIFY2(result.bestEpoch < 4, "validation loss did not get worse: the test would prove nothing");
    const ModelBundle best = loadModelFile(run / "best.pt");
    const ModelBundle last = loadModelFile(run / "last.pt");
    QCOMPARE(best.metadata.at("epoch").get<int>(), result.bestEpoch);
    QCOMPARE(checkpointEpoch(result.history), result.bestEpoch); // the rule the curves and run folders use
    const auto returned = result.model->parameters();
    for (std::size_t i = 0; i < returned.size(); ++i)
        QVERIFY(torch::equal(returned[i], best.model->parameters()[i]));
    QVERIFY(!torch::equal(returned[0], last.model->parameters()[0]));
}

void TrainerTest::earlyStoppingRestoresTheBestWeights()
{
    const fs::path run = toPath(m_dir.path()) / "early";
    TrainingConfig c = smallConfig(10);
    c.earlyStopping = {true, MonitoredMetric::ValLoss, 1, 1e9, true}; // nothing after the first epoch counts as better
    QStringList messages;
    TrainingControl control;
    const TrainingResult result = Trainer(c, [&](const TrainingEvent& e) {
        if (e.kind == TrainingEvent::Kind::Message)
            messages << QString::fromStdString(e.message);
    }).run(data(run), control);
    QVERIFY(result.stoppedEarly);
    QCOMPARE(result.stopReason, std::string("early stopping"));
    QCOMPARE(result.history.size(), std::size_t{2});
    QVERIFY(messages.join('\n').contains("early stopping after epoch 2"));
    // The returned model carries epoch 1's weights: the same as a run that stops after one epoch
    // (training is deterministic), while last.pt holds epoch 2's.
    TrainingControl again;
    const TrainingResult oneEpoch = Trainer(smallConfig(1)).run(data(), again);
    const auto restored = result.model->parameters();
    const auto expected = oneEpoch.model->parameters();
    for (std::size_t i = 0; i < expected.size(); ++i)
        QVERIFY(torch::equal(restored[i], expected[i]));
    const ModelBundle last = loadModelFile(run / "last.pt");
    QCOMPARE(last.metadata.at("epoch").get<int>(), 1);
    QVERIFY(!torch::equal(last.model->parameters()[0], expected[0]));
}

void TrainerTest::reducesLearningRateOnPlateau()
{
    TrainingConfig c = smallConfig(8);
    c.reduceLr = {true, MonitoredMetric::ValAccuracy, 0.5, 0, 1e-6}; // halve after every epoch that does not beat the best val_acc
    TrainingControl control;
    const TrainingResult result = Trainer(c).run(data(), control);
    double best = -1;
    int reductions = 0;
    for (std::size_t i = 0; i + 1 < result.history.size(); ++i) {
        const EpochRecord& r = result.history[i];
        const bool improved = r.valAccuracy > best;
        best = std::max(best, r.valAccuracy);
        const double expected = improved ? r.learningRate : r.learningRate * 0.5;
        QVERIFY2(std::abs(result.history[i + 1].learningRate - expected) < 1e-12, qPrintable(QString("epoch %1").arg(i)));
        reductions += improved ? 0 : 1;
    }
    QVERIFY(reductions > 0);
    QCOMPARE(result.history.front().learningRate, 1e-3);
}

void TrainerTest::recordsEveryBatch()
{
    TrainingControl control;
    int events = 0;
    const TrainingResult result = Trainer(smallConfig(2), [&](const TrainingEvent& e) { events += e.kind == TrainingEvent::Kind::Batch ? 1 : 0; }).run(data(), control);
    const std::size_t perEpoch = (m_train.size() + 15) / 16;
    QCOMPARE(result.batches.size(), 2 * perEpoch);
    QCOMPARE(std::size_t(events), result.batches.size());
    QCOMPARE(result.batches.back().epoch, 1);
    QCOMPARE(std::size_t(result.batches.back().batch), perEpoch);
    double weighted = 0;
    for (std::size_t i = 0; i < perEpoch; ++i)
        weighted += result.batches[i].loss * double(std::min<std::size_t>(16, m_train.size() - i * 16));
    QVERIFY(std::abs(weighted / double(m_train.size()) - result.history.front().loss) < 1e-9); // the epoch loss is the batch mean
}

void TrainerTest::cancelKeepsValidCheckpoints()
{
    const fs::path run = toPath(m_dir.path()) / "cancelled";
    TrainingControl control;
    const TrainingResult result = Trainer(smallConfig(5), [&](const TrainingEvent& e) {
        if (e.kind == TrainingEvent::Kind::Batch && e.epoch == 1 && e.batch == 2)
            control.cancel();
    }).run(data(run), control);
    QVERIFY(result.cancelled);
    QCOMPARE(result.history.size(), std::size_t{1});
    QCOMPARE(loadModelFile(run / "best.pt").metadata.at("epoch").get<int>(), 0);
    QCOMPARE(loadModelFile(run / "last.pt").metadata.at("epoch").get<int>(), 0);
    QCOMPARE(readHistoryCsv(run / "history.csv").size(), std::size_t{1});
    QVERIFY(!fs::exists(run / "best.pt.part"));
}

void TrainerTest::pauseWaitsForResume()
{
    TrainingControl control;
    std::thread resumer;
    QElapsedTimer timer;
    timer.start();
    qint64 pausedAt = -1;
    const TrainingResult result = Trainer(smallConfig(1), [&](const TrainingEvent& e) {
        if (e.kind == TrainingEvent::Kind::Batch && e.batch == 1 && pausedAt < 0) {
            pausedAt = timer.elapsed();
            control.pause();
            resumer = std::thread([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(400));
                control.resume();
            });
        }
    }).run(data(), control);
    resumer.join();
    QVERIFY(!result.cancelled);
    QCOMPARE(result.history.size(), std::size_t{1});
    QVERIFY(timer.elapsed() - pausedAt >= 400);
}

void TrainerTest::balancedClassWeights_data()
{
    QTest::addColumn<QVector<int>>("labels");
    QTest::addColumn<QVector<double>>("weights");
    QTest::newRow("balanced") << QVector<int>{0, 1, 2} << QVector<double>{1, 1, 1};
    QTest::newRow("skewed") << QVector<int>{0, 0, 0, 1} << QVector<double>{4.0 / 9.0, 4.0 / 3.0, 0};
}

void TrainerTest::balancedClassWeights()
{
    QFETCH(QVector<int>, labels);
    QFETCH(QVector<double>, weights);
    const auto computed = neurodx::balancedClassWeights(std::vector<int>(labels.begin(), labels.end()), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY(std::abs(computed[static_cast<std::size_t>(i)] - weights[i]) < 1e-12);
}

void TrainerTest::rejectsUnusableSetups()
{
    TrainingControl control;
    TrainingConfig c = smallConfig(1);
    c.earlyStopping.enabled = true;
    TrainingData noValidation = data();
    SliceCache empty;
    noValidation.validation = &empty;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, Trainer(c).run(noValidation, control));
    TrainingData noTraining = data();
    noTraining.train = &empty;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, Trainer(smallConfig(1)).run(noTraining, control));
    TrainingConfig bad = smallConfig(1);
    bad.batchSize = 0;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, Trainer{bad});
    TrainingData resumeNothing = data(toPath(m_dir.path()) / "never-ran");
    resumeNothing.resume = true;
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, Trainer(smallConfig(1)).run(resumeNothing, control));
}

void TrainerTest::bf16FollowsTheCpu()
{
    TrainingConfig c = smallConfig(3);
    c.bf16 = true;
    if (!cpuSupportsBf16()) {
        QVERIFY_THROWS_EXCEPTION(NeuroDxError, Trainer{c});
        return;
    }
    TrainingControl control;
    const TrainingResult mixed = Trainer(c).run(data(), control);
    const TrainingResult full = Trainer(smallConfig(3)).run(data(), control);
    for (const EpochRecord& r : mixed.history)
        QVERIFY(std::isfinite(r.loss) && std::isfinite(r.valLoss));
    QVERIFY(mixed.history.back().loss < mixed.history.front().loss);
    // bfloat16 arithmetic really ran: the numbers differ from float32's, but stay close.
    QVERIFY(mixed.history.front().loss != full.history.front().loss);
    QVERIFY(std::abs(mixed.history.front().loss - full.history.front().loss) < 0.05);

    // Convolutions only: a third result, between the two, and the choice survives config.json.
    c.bf16ConvolutionsOnly = true;
    const TrainingResult convolutions = Trainer(c).run(data(), control);
    QVERIFY(convolutions.history.front().loss != mixed.history.front().loss);
    QVERIFY(convolutions.history.front().loss != full.history.front().loss);
    QVERIFY(std::abs(convolutions.history.front().loss - full.history.front().loss) < 0.05);
    QVERIFY(trainingConfigFromJson(toJson(c)).bf16ConvolutionsOnly);
    QVERIFY(!trainingConfigFromJson(toJson(smallConfig(1))).bf16ConvolutionsOnly);
}

// The summary before the first batch; "improved, saving" after its epoch's figures, as Keras prints.
void TrainerTest::eventsComeInKerasOrder()
{
    const fs::path run = toPath(m_dir.path()) / "order";
    std::vector<std::string> sequence;
    TrainingControl control;
    Trainer(smallConfig(2), [&](const TrainingEvent& e) {
        switch (e.kind) {
        case TrainingEvent::Kind::Model: sequence.push_back("model " + std::to_string(e.summary.parameters)); break;
        case TrainingEvent::Kind::Batch:
            if (e.batch == 1)
                sequence.push_back("batches " + std::to_string(e.epoch + 1));
            break;
        case TrainingEvent::Kind::Epoch: sequence.push_back("epoch " + std::to_string(e.epoch + 1)); break;
        case TrainingEvent::Kind::Message: sequence.push_back(e.message); break;
        }
    }).run(data(run), control);
    QVERIFY(sequence.size() >= 5);
    QVERIFY2(sequence[0] == "trained from scratch (no pretrained weights given)", sequence[0].c_str());
    QVERIFY2(sequence[1].rfind("model ", 0) == 0 && sequence[1] != "model 0", sequence[1].c_str());
    QCOMPARE(sequence[2], std::string("batches 1"));
    QCOMPARE(sequence[3], std::string("epoch 1"));
    QVERIFY2(sequence[4].rfind("Epoch 1: val_loss improved from inf to ", 0) == 0, sequence[4].c_str());
    QVERIFY2(sequence[4].find("saving model to " + (run / "best.pt").string()) != std::string::npos, sequence[4].c_str());
    for (std::size_t i = 0; i < sequence.size(); ++i)
        if (sequence[i].find("improved") != std::string::npos)
            QVERIFY2(i > 0 && sequence[i - 1].rfind("epoch ", 0) == 0 && sequence[i].substr(6, 1) == sequence[i - 1].substr(6, 1), sequence[i].c_str());
}

void TrainerTest::historyNumbersEpochsFromOne_data()
{
    QTest::addColumn<int>("firstEpoch");
    QTest::newRow("written now: from 1") << 1;
    QTest::newRow("written before 0.9 (and by Keras' CSVLogger): from 0") << 0;
}

void TrainerTest::historyNumbersEpochsFromOne()
{
    QFETCH(int, firstEpoch);
    std::vector<EpochRecord> records(3);
    for (int i = 0; i < 3; ++i) {
        records[static_cast<std::size_t>(i)].epoch = i;
        records[static_cast<std::size_t>(i)].loss = 1.0 / (i + 1);
    }
    const std::string written = historyCsv(records);
    QVERIFY2(written.find("\n1,") != std::string::npos && written.find("\n3,") != std::string::npos && written.find("\n0,") == std::string::npos,
             written.c_str());
    std::string text = "epoch,acc,loss,lr,val_acc,val_loss,seconds\n";
    for (int i = 0; i < 3; ++i)
        text += std::to_string(firstEpoch + i) + ",0.5," + std::to_string(1.0 / (i + 1)) + ",0.001,0.5,1,0.1\n";
    const fs::path file = toPath(m_dir.path()) / ("history-from-" + std::to_string(firstEpoch) + ".csv");
    std::ofstream(file) << text;
    const std::vector<EpochRecord> read = readHistoryCsv(file);
    QCOMPARE(read.size(), std::size_t{3});
    for (int i = 0; i < 3; ++i)
        QCOMPARE(read[static_cast<std::size_t>(i)].epoch, i);
    // A row out of step with the first row's convention is still refused.
    std::ofstream(file) << "epoch,acc,loss,lr,val_acc,val_loss,seconds\n"
                        << firstEpoch << ",0.5,1,0.001,0.5,1,0.1\n"
                        << firstEpoch + 2 << ",0.5,1,0.001,0.5,1,0.1\n";
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, readHistoryCsv(file));
}

QTEST_APPLESS_MAIN(TrainerTest)
#include "tst_trainer.moc"
