// Whole data-parallel jobs of neurodx-cli processes on loopback, launched as torchrun launches them
// (the environment) and by torchrun itself: the model two ranks train is the model one process
// trains, and every way a job can end (a killed rank, a frozen rank, Ctrl-C, a failing rank 0, a rank
// with other data) ends every rank with a message, never a hang, with rank 0's checkpoints usable.
#include "CliProcess.h"
#include "FreePort.h"
#include "TestTree.h"

#include "Classifier.h"
#include "inference/ModelFile.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <memory>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

// The tiny CNN of these tests, in float32, on one thread per rank, without augmentation.
const QStringList kTinyModel{"--model", "cnn", "--filters1", "8", "--filters2", "8", "--units", "16", "--image-size", "32",
                             "--threads", "1", "--no-augment", "--no-early-stopping", "--seed", "7", "--quiet"};

struct Job {
    std::vector<std::unique_ptr<QProcess>> ranks;

    bool waitForAll(int milliseconds)
    {
        for (auto& r : ranks)
            if (!r->waitForFinished(milliseconds))
                return false;
        return true;
    }
    int exitCode(int rank) const
    {
        const QProcess& p = *ranks.at(static_cast<std::size_t>(rank));
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    QString errors(int rank) const { return QString::fromUtf8(ranks.at(static_cast<std::size_t>(rank))->readAllStandardError()); }
};

// `worldSize` neurodx-cli processes with torchrun's variables; rank r gets perRank(r) appended.
Job startJob(int worldSize, const QStringList& args, const std::function<QStringList(int)>& perRank = {})
{
    Job job;
    const int port = freeLoopbackPort();
    for (int rank = 0; rank < worldSize; ++rank) {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("MASTER_ADDR", "127.0.0.1");
        environment.insert("MASTER_PORT", QString::number(port));
        environment.insert("WORLD_SIZE", QString::number(worldSize));
        environment.insert("RANK", QString::number(rank));
        environment.insert("LOCAL_RANK", QString::number(rank));
        environment.insert("LOCAL_WORLD_SIZE", QString::number(worldSize));
        auto process = std::make_unique<QProcess>();
        process->setProcessEnvironment(environment);
        process->start(cliProgram(), args + (perRank ? perRank(rank) : QStringList()));
        job.ranks.push_back(std::move(process));
    }
    return job;
}

std::vector<torch::Tensor> weightsOf(const fs::path& modelFile)
{
    std::vector<torch::Tensor> weights;
    for (const auto& p : loadModelFile(modelFile).model->parameters())
        weights.push_back(p.detach().clone());
    return weights;
}

double largestDifference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
{
    if (a.size() != b.size())
        return 1e9;
    double largest = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        largest = std::max(largest, (a[i] - b[i]).abs().max().item<double>());
    return largest;
}

int historyRows(const fs::path& historyFile)
{
    std::ifstream in(historyFile);
    int lines = 0;
    for (std::string line; std::getline(in, line);)
        lines += line.empty() ? 0 : 1;
    return std::max(0, lines - 1);
}

nlohmann::json readJson(const fs::path& file)
{
    std::ifstream in(file);
    return nlohmann::json::parse(in);
}

// Waits until the run has written `epochs` epochs (or the time is up).
bool waitForEpochs(const fs::path& run, int epochs, int milliseconds)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < milliseconds) {
        if (historyRows(run / "history.csv") >= epochs)
            return true;
        QThread::msleep(10);
    }
    return false;
}

} // namespace

class DistributedTrainingTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void twoRanksTrainTheModelOneProcessTrains();
    void aResumedJobContinuesAsIfUninterrupted();
    void withAugmentationBothLearn();
    void aKilledRankEndsTheJobAndTheRunResumes();
    void aFrozenRankTimesOut();
    void ctrlCOnOneRankStopsEveryRank();
    void problemsOfOneRankReachEveryRank_data();
    void problemsOfOneRankReachEveryRank();
    void crossValidationSharesOutTheFolds();
    void aRankWaitsForSlowerRanksBeyondTheTimeout();
    void ctrlCOnOneRankStopsEveryRanksFolds();
    void ranksMustAgree_data();
    void ranksMustAgree();
    void tuningSharesOutTheTrials();
    void torchrunLaunchesIt();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    QTemporaryDir m_dir;
};

void DistributedTrainingTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const CliResult synth = runCli({"synth", str(dir() / "data"), "--subjects-per-class", "8", "--slices", "6", "--size", "32", "--quiet"});
    QVERIFY2(synth.exitCode == 0, synth.err.constData());
    // What another machine might hold at the same path: the same dataset with one image missing.
    fs::copy(dir() / "data", dir() / "other", fs::copy_options::recursive);
    for (const auto& entry : fs::recursive_directory_iterator(dir() / "other" / "AD")) {
        if (entry.is_regular_file()) {
            fs::remove(entry.path());
            break;
        }
    }
}

void DistributedTrainingTest::twoRanksTrainTheModelOneProcessTrains()
{
    // 144 slices, ~100 in training: 4 steps an epoch, the last global batch short.
    const QStringList common = QStringList{"train", str(dir() / "data"), "--epochs", "3"} + kTinyModel;
    const CliResult single = runCli(common + QStringList{"--batch-size", "32", "--output", str(dir() / "single")});
    QVERIFY2(single.exitCode == 0, single.err.constData());
    Job job = startJob(2, common + QStringList{"--batch-size", "16", "--output", str(dir() / "pair")});
    QVERIFY(job.waitForAll(120000));
    QVERIFY2(job.exitCode(0) == 0, qPrintable(job.errors(0)));
    QVERIFY2(job.exitCode(1) == 0, qPrintable(job.errors(1)));

    // Float32 sums in another order, which Adam magnifies for gradients near zero (tst_dataparallel):
    // the tolerance is a tenth of one step of the learning rate (1e-3); 6e-8 measured after 12 steps.
    const double difference = largestDifference(weightsOf(dir() / "single" / "last.pt"), weightsOf(dir() / "pair" / "last.pt"));
    qInfo("largest weight difference after 3 epochs, 2 ranks x 16 vs 1 x 32: %.3g", difference);
    QVERIFY2(difference < 1e-4, qPrintable(QString::number(difference)));

    // Rank 0 wrote the run as one process does, and said how it was trained; rank 1 wrote nothing.
    for (const char* file : {"config.json", "split.json", "history.csv", "best.pt", "last.pt", "last_optimizer.pt", "metrics.json"})
        QVERIFY2(fs::exists(dir() / "pair" / file), file);
    QCOMPARE(historyRows(dir() / "pair" / "history.csv"), 3);
    const nlohmann::json config = readJson(dir() / "pair" / "config.json");
    QCOMPARE(config["distributed"]["world_size"].get<int>(), 2);
    QCOMPARE(config["distributed"]["global_batch"].get<int>(), 32);
    QCOMPARE(config["training"]["batch_size"].get<int>(), 16);
    QVERIFY(!readJson(dir() / "single" / "config.json").contains("distributed"));
    QCOMPARE(readJson(dir() / "pair" / "split.json")["parts"], readJson(dir() / "single" / "split.json")["parts"]);
}

void DistributedTrainingTest::aResumedJobContinuesAsIfUninterrupted()
{
    // 2 epochs by 2 ranks, then resumed by 2 ranks to 4: rank 1 continues from rank 0's weights,
    // Adam state and history (sent, not read: it writes and reads nothing), so the result is one
    // process's 4 uninterrupted epochs at the global batch. Without rank 0's optimizer state rank 1
    // would step differently from its second resumed step on.
    const QStringList common = QStringList{"train", str(dir() / "data")} + kTinyModel;
    const CliResult single = runCli(common + QStringList{"--epochs", "4", "--batch-size", "32", "--output", str(dir() / "resume-single")});
    QVERIFY2(single.exitCode == 0, single.err.constData());
    const fs::path run = dir() / "resume-pair";
    Job first = startJob(2, common + QStringList{"--epochs", "2", "--batch-size", "16", "--output", str(run)});
    QVERIFY(first.waitForAll(120000));
    QVERIFY2(first.exitCode(0) == 0 && first.exitCode(1) == 0, qPrintable(first.errors(0) + first.errors(1)));
    QCOMPARE(historyRows(run / "history.csv"), 2);
    Job second = startJob(2, {"train", str(dir() / "data"), "--resume", "--epochs", "4", "--output", str(run), "--threads", "1", "--quiet"});
    QVERIFY(second.waitForAll(120000));
    QVERIFY2(second.exitCode(0) == 0 && second.exitCode(1) == 0, qPrintable(second.errors(0) + second.errors(1)));
    QCOMPARE(historyRows(run / "history.csv"), 4);
    const double difference = largestDifference(weightsOf(dir() / "resume-single" / "last.pt"), weightsOf(run / "last.pt"));
    qInfo("largest weight difference, 2+2 epochs by 2 ranks (resumed) vs 4 by one process: %.3g", difference);
    QVERIFY2(difference < 1e-4, qPrintable(QString::number(difference)));
}

void DistributedTrainingTest::withAugmentationBothLearn()
{
    // CN against AD at 64 px (tst_trainer's held-out task), augmented: the ranks draw different flips
    // and rotations than one process does, so the models differ, but both must learn.
    const fs::path data = dir() / "binary";
    const CliResult synth = runCli({"synth", str(dir() / "binary-all"), "--subjects-per-class", "16", "--slices", "8", "--size", "64",
                                    "--difficulty", "0.3", "--quiet"});
    QVERIFY2(synth.exitCode == 0, synth.err.constData());
    fs::create_directories(data);
    for (const char* name : {"CN", "AD"})
        fs::rename(dir() / "binary-all" / name, data / name);
    const QStringList common{"train", str(data), "--model", "cnn", "--filters1", "16", "--filters2", "16", "--units", "64", "--image-size", "64",
                             "--epochs", "20", "--no-early-stopping", "--threads", "1", "--seed", "7", "--ratios", "0.6,0.2,0.2", "--quiet"};
    const CliResult single = runCli(common + QStringList{"--batch-size", "32", "--output", str(dir() / "augmented-single")});
    QVERIFY2(single.exitCode == 0, single.err.constData());
    Job job = startJob(2, common + QStringList{"--batch-size", "16", "--output", str(dir() / "augmented-pair")});
    QVERIFY(job.waitForAll(300000));
    QVERIFY2(job.exitCode(0) == 0, qPrintable(job.errors(0)));
    for (const char* run : {"augmented-single", "augmented-pair"}) {
        const double accuracy = readJson(dir() / run / "metrics.json")["slice_level"]["accuracy"].get<double>();
        qInfo("%s: held-out accuracy %.3f (chance 0.5)", run, accuracy);
        QVERIFY2(accuracy > 0.7, qPrintable(QString("%1: %2").arg(run).arg(accuracy)));
    }
}

void DistributedTrainingTest::aKilledRankEndsTheJobAndTheRunResumes()
{
    const fs::path run = dir() / "killed";
    Job job = startJob(2, QStringList{"train", str(dir() / "data"), "--epochs", "400", "--batch-size", "16", "--output", str(run),
                                      "--distributed-timeout", "60"} + kTinyModel);
    QVERIFY(waitForEpochs(run, 2, 60000));
    QElapsedTimer clock;
    clock.start();
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGKILL);
    QVERIFY(job.ranks[0]->waitForFinished(30000));
    qInfo("rank 0 noticed the killed rank after %lld ms", static_cast<long long>(clock.elapsed()));
    QVERIFY2(clock.elapsed() < 20000, "rank 0 waited for its timeout instead of noticing the closed connection");
    job.ranks[1]->waitForFinished(5000);
    const QString errors = job.errors(0);
    QCOMPARE(job.exitCode(0), 1);
    QVERIFY2(errors.contains("rank 0 of 2 lost the other ranks while"), qPrintable(errors));
    QVERIFY2(!errors.contains("terminate called") && !errors.contains("Exception raised from"), qPrintable(errors));

    // Rank 0's checkpoints are whole, and the run goes on with another number of ranks: one process.
    const int epochsDone = historyRows(run / "history.csv");
    QVERIFY(epochsDone >= 2);
    QVERIFY(!weightsOf(run / "last.pt").empty());
    const nlohmann::json before = readJson(run / "config.json");
    const CliResult resumed = runCli({"train", str(dir() / "data"), "--resume", "--output", str(run), "--threads", "1"});
    QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
    QVERIFY2(resumed.err.contains("trained by 2 ranks and continues with 1: the global batch changes from 32 to 16"), resumed.err.constData());
    QCOMPARE(historyRows(run / "history.csv"), 400);
    QCOMPARE(readJson(run / "config.json")["distributed"]["world_size"].get<int>(), 1);
    QCOMPARE(before["distributed"]["world_size"].get<int>(), 2);
}

void DistributedTrainingTest::aFrozenRankTimesOut()
{
    const fs::path run = dir() / "frozen";
    Job job = startJob(2, QStringList{"train", str(dir() / "data"), "--epochs", "400", "--batch-size", "16", "--output", str(run),
                                      "--distributed-timeout", "3"} + kTinyModel);
    QVERIFY(waitForEpochs(run, 1, 60000));
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGSTOP); // alive, silent
    QElapsedTimer clock;
    clock.start();
    const bool ended = job.ranks[0]->waitForFinished(30000);
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGKILL);
    job.ranks[1]->waitForFinished(5000);
    QVERIFY2(ended, "rank 0 hung on a frozen rank");
    qInfo("rank 0 gave up on the frozen rank after %lld ms (timeout 3 s)", static_cast<long long>(clock.elapsed()));
    const QString errors = job.errors(0);
    QCOMPARE(job.exitCode(0), 1);
    QVERIFY2(errors.contains("lost the other ranks") && errors.contains("within 3 s"), qPrintable(errors));
    QVERIFY(!weightsOf(run / "last.pt").empty());
}

void DistributedTrainingTest::ctrlCOnOneRankStopsEveryRank()
{
    const fs::path run = dir() / "interrupted";
    Job job = startJob(2, QStringList{"train", str(dir() / "data"), "--epochs", "400", "--batch-size", "16", "--output", str(run)} + kTinyModel);
    QVERIFY(waitForEpochs(run, 1, 60000));
    // Only rank 1 is asked, twice, as under torchrun: the terminal's Ctrl-C, then torchrun's.
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGINT);
    QThread::msleep(20);
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGINT);
    QVERIFY2(job.waitForAll(30000), "a rank kept running");
    QCOMPARE(job.exitCode(0), 1); // cancelled, as one process reports it
    QCOMPARE(job.exitCode(1), 1);
    const QString errors = job.errors(0);
    QVERIFY2(!errors.contains("lost the other ranks"), qPrintable(errors)); // agreed, not broken off
    const int epochs = historyRows(run / "history.csv");
    QVERIFY(epochs >= 1 && epochs < 400);
    QVERIFY(!weightsOf(run / "last.pt").empty());
    QVERIFY(!weightsOf(run / "best.pt").empty());
}

void DistributedTrainingTest::problemsOfOneRankReachEveryRank_data()
{
    QTest::addColumn<QStringList>("rank1Arguments");      // instead of rank 0's dataset and output
    QTest::addColumn<bool>("resume");
    QTest::addColumn<QString>("rank0Message");
    QTest::addColumn<QString>("rank1Message");
    QTest::newRow("rank 0 cannot resume") << QStringList() << true << "config.json" << "rank 1 of 2: stopping because rank 0 failed while preparing the run";
    QTest::newRow("rank 1 sees other data") << QStringList{"other"} << false << "stopping because of another rank"
                                            << "holds other images here than on rank 0";
    QTest::newRow("rank 1 sees no data") << QStringList{"missing"} << false << "stopping because of another rank, scanning the dataset: rank 1"
                                         << "rank 1 of 2, scanning the dataset";
}

void DistributedTrainingTest::problemsOfOneRankReachEveryRank()
{
    QFETCH(QStringList, rank1Arguments);
    QFETCH(bool, resume);
    QFETCH(QString, rank0Message);
    QFETCH(QString, rank1Message);
    const fs::path run = dir() / QString(QTest::currentDataTag()).replace(' ', '-').toStdString();
    Job job = startJob(2, {}, [&](int rank) {
        const fs::path data = rank == 1 && !rank1Arguments.isEmpty() ? dir() / rank1Arguments[0].toStdString() : dir() / "data";
        QStringList args = QStringList{"train", str(data), "--epochs", "2", "--batch-size", "16", "--output", str(run)} + kTinyModel;
        if (resume)
            args << "--resume";
        return args;
    });
    QVERIFY2(job.waitForAll(60000), "a rank hung");
    QCOMPARE(job.exitCode(0) == 0, false);
    QCOMPARE(job.exitCode(1) == 0, false);
    const QString rank0 = job.errors(0), rank1 = job.errors(1);
    QVERIFY2(rank0.contains(rank0Message), qPrintable(rank0));
    QVERIFY2(rank1.contains(rank1Message), qPrintable(rank1));
}

void DistributedTrainingTest::crossValidationSharesOutTheFolds()
{
    // 3 folds on 2 ranks: rank 0 trains folds 1 and 3, rank 1 fold 2; rank 0 reports all three,
    // exactly as one process computes them (each fold is trained whole by one rank).
    const QStringList common = QStringList{"cv", str(dir() / "data"), "--folds", "3", "--epochs", "2", "--json"} + kTinyModel;
    const CliResult single = runCli(common + QStringList{"--output", str(dir() / "cv-single")});
    QVERIFY2(single.exitCode == 0, single.err.constData());
    Job job = startJob(2, common + QStringList{"--output", str(dir() / "cv-pair")});
    QVERIFY(job.waitForAll(120000));
    QVERIFY2(job.exitCode(0) == 0 && job.exitCode(1) == 0, qPrintable(job.errors(0) + job.errors(1)));
    QVERIFY(job.ranks[1]->readAllStandardOutput().isEmpty()); // one report, from rank 0
    const nlohmann::json pair = nlohmann::json::parse(job.ranks[0]->readAllStandardOutput().toStdString());
    QCOMPARE(pair["folds"].size(), std::size_t{3});
    QCOMPARE(pair["folds"], single.json()["folds"]);
    QCOMPARE(pair["accuracy"], single.json()["accuracy"]);
    for (const char* fold : {"fold_1", "fold_2", "fold_3"})
        QVERIFY2(fs::exists(dir() / "cv-pair" / fold / "metrics.json"), fold);
}

void DistributedTrainingTest::tuningSharesOutTheTrials()
{
    // Hyperband, 3 epochs at most, factor 3: a round of 3 trials, then the best continues. The
    // ranks share each round's trials and agree on the promotion: the same trials and scores.
    const QStringList common = QStringList{"tune", str(dir() / "data"), "--max-epochs", "3", "--factor", "3", "--json",
                                           "--search", "units=8:32:8;filters1=4:8:4;filters2=4:8:4"} +
                               kTinyModel.mid(kTinyModel.indexOf("--image-size"));
    const CliResult single = runCli(common + QStringList{"--output", str(dir() / "tune-single")});
    QVERIFY2(single.exitCode == 0, single.err.constData());
    Job job = startJob(2, common + QStringList{"--output", str(dir() / "tune-pair")});
    QVERIFY(job.waitForAll(120000));
    QVERIFY2(job.exitCode(0) == 0 && job.exitCode(1) == 0, qPrintable(job.errors(0) + job.errors(1)));
    const nlohmann::json pair = nlohmann::json::parse(job.ranks[0]->readAllStandardOutput().toStdString());
    const nlohmann::json alone = single.json();
    QVERIFY(pair["trials"].size() >= 4);
    QCOMPARE(pair["trials"].size(), alone["trials"].size());
    for (std::size_t i = 0; i < alone["trials"].size(); ++i) {
        for (const char* key : {"trial_id", "hyperparameters", "epochs", "score", "status"})
            QCOMPARE(pair["trials"][i][key], alone["trials"][i][key]);
        QVERIFY(fs::exists(dir() / "tune-pair" / ("trial_" + pair["trials"][i]["trial_id"].get<std::string>()) / "trial.json"));
    }
    QVERIFY(fs::exists(dir() / "tune-pair" / "best_hyperparameters.json"));
}

void DistributedTrainingTest::aRankWaitsForSlowerRanksBeyondTheTimeout()
{
    // 3 folds on 2 ranks: rank 0 trains two, rank 1 one, and then waits several times the
    // 2-second timeout for rank 0 (alive: its heartbeat goes on) instead of giving up on it.
    const fs::path output = dir() / "cv-uneven";
    Job job = startJob(2, QStringList{"cv", str(dir() / "data"), "--folds", "3", "--epochs", "600", "--json", "--distributed-timeout", "2",
                                      "--output", str(output)} + kTinyModel);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(job.waitForAll(300000));
    QVERIFY2(job.exitCode(0) == 0 && job.exitCode(1) == 0, qPrintable(job.errors(0) + job.errors(1)));
    qInfo("3 folds of 600 epochs on 2 ranks, timeout 2 s: %.1f s", static_cast<double>(clock.elapsed()) / 1000.0);
    QVERIFY(clock.elapsed() > 6000); // the wait was longer than the timeout
    QCOMPARE(nlohmann::json::parse(job.ranks[0]->readAllStandardOutput().toStdString())["folds"].size(), std::size_t{3});
}

void DistributedTrainingTest::ctrlCOnOneRankStopsEveryRanksFolds()
{
    // cv ranks exchange nothing while they train: the stop travels through the store.
    const fs::path output = dir() / "cv-interrupted";
    Job job = startJob(2, QStringList{"cv", str(dir() / "data"), "--folds", "4", "--epochs", "400", "--json", "--output", str(output)} +
                              kTinyModel);
    QVERIFY(waitForEpochs(output / "fold_2", 1, 60000)); // rank 1 trains fold 2
    ::kill(static_cast<pid_t>(job.ranks[1]->processId()), SIGINT);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(job.waitForAll(60000), "a rank trained on");
    qInfo("both ranks stopped %lld ms after rank 1's Ctrl-C", static_cast<long long>(clock.elapsed()));
    QVERIFY(clock.elapsed() < 15000); // the heartbeat carries the stop within two seconds (and an epoch)
    QCOMPARE(job.exitCode(0), 1);
    QCOMPARE(job.exitCode(1), 1);
    QVERIFY2(!job.errors(0).contains("lost the other ranks"), qPrintable(job.errors(0)));
    const nlohmann::json report = nlohmann::json::parse(job.ranks[0]->readAllStandardOutput().toStdString());
    QVERIFY(report["cancelled"].get<bool>());
    QVERIFY(report["folds"].size() < 4); // the folds still to train were not trained
}

void DistributedTrainingTest::ranksMustAgree_data()
{
    QTest::addColumn<QStringList>("rank0");
    QTest::addColumn<QStringList>("rank1");
    QTest::addColumn<QString>("rank1Message");
    const QStringList cv{"cv", "--folds", "3", "--epochs", "1"};
    QTest::newRow("cv with other folds") << cv << QStringList{"cv", "--folds", "4", "--epochs", "1"}
                                         << "started with other settings than rank 0";
    QTest::newRow("tune with another search") << QStringList{"tune", "--max-epochs", "3"} << QStringList{"tune", "--max-epochs", "9"}
                                              << "started with other settings than rank 0";
    QTest::newRow("train where a file cannot be decoded") << QStringList{"train", "--epochs", "1"}
                                                          << QStringList{"train", "--epochs", "1", "@damaged"}
                                                          << "decoded other slices than rank 0";
}

void DistributedTrainingTest::ranksMustAgree()
{
    QFETCH(QStringList, rank0);
    QFETCH(QStringList, rank1);
    QFETCH(QString, rank1Message);
    // Rank 1's copy of the dataset, where one PNG is cut short (same paths: the scan agrees).
    const fs::path damaged = dir() / "damaged";
    if (!fs::exists(damaged)) {
        fs::copy(dir() / "data", damaged, fs::copy_options::recursive);
        for (const auto& entry : fs::recursive_directory_iterator(damaged / "MCI")) {
            if (entry.path().extension() == ".png") {
                fs::resize_file(entry.path(), 40);
                break;
            }
        }
    }
    const QString tag = QString(QTest::currentDataTag()).replace(' ', '-');
    Job job = startJob(2, {}, [&](int rank) {
        QStringList args = rank == 0 ? rank0 : rank1;
        const bool useDamaged = args.removeAll("@damaged") > 0;
        args.insert(1, str(useDamaged ? damaged : dir() / "data"));
        return args + QStringList{"--output", str(dir() / tag.toStdString()), "--distributed-timeout", "60"} + kTinyModel;
    });
    QVERIFY2(job.waitForAll(120000), "a rank hung");
    QVERIFY(job.exitCode(0) != 0 && job.exitCode(1) != 0);
    const QString errors0 = job.errors(0), errors1 = job.errors(1);
    QVERIFY2(errors1.contains(rank1Message), qPrintable(errors1));
    QVERIFY2(errors0.contains("stopping because of another rank"), qPrintable(errors0));
}

void DistributedTrainingTest::torchrunLaunchesIt()
{
    const QString torchrun = QStandardPaths::findExecutable("torchrun");
    if (torchrun.isEmpty())
        QSKIP("torchrun is not installed (Debian's python3-torch provides it): the launch by torchrun is not tested here");
    const fs::path run = dir() / "torchrun";
    // Debian's torchrun (torch 1.13, Python 3.11) needs --redirects/--tee/--log_dir: its defaults crash.
    const CliResult launched = runProgram(torchrun, QStringList{"--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1",
                                                                "--log_dir", str(dir() / "torchrun-logs"), "--no_python", cliProgram(), "train",
                                                                str(dir() / "data"), "--epochs", "2", "--batch-size", "16", "--output", str(run)} +
                                                        kTinyModel);
    QVERIFY2(launched.exitCode == 0, (launched.out + launched.err).constData());
    QCOMPARE(historyRows(run / "history.csv"), 2);
    QCOMPARE(readJson(run / "config.json")["distributed"]["world_size"].get<int>(), 2);
    QVERIFY(fs::exists(run / "metrics.json"));
}

QTEST_MAIN(DistributedTrainingTest)
#include "tst_distributedtraining.moc"
