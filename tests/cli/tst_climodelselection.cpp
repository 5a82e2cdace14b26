// neurodx-cli's model selection end to end: tune (Hyperband, resuming, the held-out split, the
// best hyperparameters handed to train), cv and audit, on generated data.
#include "CliProcess.h"
#include "FileSnapshot.h"
#include "TestTree.h"

#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class CliModelSelectionTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void tuneResumesAndHandsBestToTrain();
    void tuneHoldsOutTheGivenSplit();
    void crossValidationAndAuditRun();
    void badSearchSpaceIsAUsageError();

private:
    QTemporaryDir m_dir;
    fs::path m_dataset;
};

void CliModelSelectionTest::initTestCase()
{
    QVERIFY(!QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR").isEmpty());
    m_dataset = toPath(m_dir.path()) / "data";
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 3;
    options.size = 32;
    options.format = PhantomOptions::Format::Mixed;
    writeSyntheticDataset(m_dataset, options);
}

void CliModelSelectionTest::tuneResumesAndHandsBestToTrain()
{
    const fs::path tuning = toPath(m_dir.path()) / "tuning";
    const QStringList args{"tune", str(m_dataset), "--output", str(tuning), "--json", "--max-epochs", "3", "--factor", "3",
                           "--image-size", "32", "--batch-size", "8", "--ratios", "0.5,0.25,0.25",
                           "--search", "filters1=4,8;filters2=4;units=8,16"};
    const CliResult first = runCli(args);
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const nlohmann::json j = first.json();
    QCOMPARE(j.at("trials").size(), std::size_t{6}); // max_epochs 3, factor 3: 3 x 1 epoch -> 1 x 3, then 2 x 3
    QVERIFY(j.contains("best"));
    QVERIFY(fs::exists(tuning / "best_hyperparameters.json") && fs::exists(tuning / "trials.csv") && fs::exists(tuning / "oracle.json"));
    // Resuming a finished search runs no trial again: a trial that ran would rewrite its checkpoints
    // and trial.json (new inodes and times).
    const auto trialFiles = snapshotFiles(tuning, "trial_");
    QVERIFY(trialFiles.count("trial_0000/trial.json") && trialFiles.count("trial_0000/last.pt"));
    const CliResult again = runCli(args);
    QCOMPARE(again.exitCode, 0);
    QCOMPARE(again.json().at("best"), j.at("best"));
    const std::string rewritten = changedFiles(trialFiles, snapshotFiles(tuning, "trial_"));
    QVERIFY2(rewritten.empty(), rewritten.c_str());
    // The best hyperparameters go straight into training.
    const fs::path run = toPath(m_dir.path()) / "tuned-run";
    // The file alone reproduces the search's image size, batch size and split (none given again here),
    // and the printed command says the same.
    std::ifstream bestIn(tuning / "best_hyperparameters.json");
    const std::string arguments = nlohmann::json::parse(bestIn).at("train_arguments").get<std::string>();
    QVERIFY2(arguments.find("--image-size 32 --batch-size 8 --ratios 0.5,0.25,0.25") != std::string::npos, arguments.c_str());
    const CliResult train = runCli({"train", str(m_dataset), "--hyperparameters", str(tuning / "best_hyperparameters.json"), "--epochs", "1",
                                    "--output", str(run), "--quiet"});
    QVERIFY2(train.exitCode == 0, train.err.constData());
    std::ifstream in(run / "config.json");
    const nlohmann::json config = nlohmann::json::parse(in);
    QCOMPARE(config.at("training").at("model").at("filters1"), j.at("best").at("hyperparameters").at("filters1"));
    QCOMPARE(config.at("training").at("model").at("hidden_units"), j.at("best").at("hyperparameters").at("units"));
    QCOMPARE(config.at("training").at("input").at("size").get<int>(), 32);
    QCOMPARE(config.at("training").at("batch_size").get<int>(), 8);
    QCOMPARE(config.at("training").at("split").at("ratios").get<std::vector<double>>(), (std::vector<double>{0.5, 0.25, 0.25}));
}

// `tune --split-file`: the search holds out the subjects the final training will be tested on, not a
// split of its own (here one made with another seed, so the two would differ).
void CliModelSelectionTest::tuneHoldsOutTheGivenSplit()
{
    const fs::path given = toPath(m_dir.path()) / "given-split.json";
    const CliResult split = runCli({"split", str(m_dataset), "--seed", "7", "--ratios", "0.5,0.25,0.25", "--output", str(given)});
    QVERIFY2(split.exitCode == 0, split.err.constData());
    const fs::path tuning = toPath(m_dir.path()) / "tuning-given-split";
    const CliResult tune = runCli({"tune", str(m_dataset), "--output", str(tuning), "--split-file", str(given), "--strategy", "random",
                                   "--max-trials", "1", "--max-epochs", "1", "--image-size", "32", "--search", "filters1=4;filters2=4;units=8", "--quiet"});
    QVERIFY2(tune.exitCode == 0, tune.err.constData());
    const auto parts = [](const fs::path& file) {
        std::ifstream in(file);
        return nlohmann::json::parse(in).at("parts");
    };
    QCOMPARE(parts(tuning / "split.json"), parts(given));
    // Resuming that search on another split would mix trials scored on two splits: refused.
    const fs::path other = toPath(m_dir.path()) / "other-split.json";
    QCOMPARE(runCli({"split", str(m_dataset), "--seed", "8", "--ratios", "0.5,0.25,0.25", "--output", str(other)}).exitCode, 0);
    const CliResult mixed = runCli({"tune", str(m_dataset), "--output", str(tuning), "--split-file", str(other), "--strategy", "random",
                                    "--max-trials", "1", "--max-epochs", "1", "--image-size", "32", "--search", "filters1=4;filters2=4;units=8", "--quiet"});
    QVERIFY(mixed.exitCode != 0);
    QVERIFY2(mixed.err.contains("another --output"), mixed.err.constData());
    // A split of another dataset is refused, naming the file.
    const fs::path foreign = toPath(m_dir.path()) / "foreign-split.json";
    {
        std::ofstream out(foreign);
        out << R"({"format": "neurodx-split", "version": 1, "mode": "subject", "seed": 1, "ratios": [0.5, 0.25, 0.25],
                   "class_order": ["CN", "MCI", "AD"], "parts": {"train": [{"path": "CN/nobody.png", "label": 0, "subject": "x"}],
                   "validation": [], "test": []}})";
    }
    const CliResult refused = runCli({"tune", str(m_dataset), "--output", str(toPath(m_dir.path()) / "tuning-foreign"), "--split-file", str(foreign),
                                      "--strategy", "random", "--max-trials", "1", "--max-epochs", "1", "--image-size", "32"});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains("foreign-split.json"), refused.err.constData());
}

void CliModelSelectionTest::crossValidationAndAuditRun()
{
    const QStringList small{"--epochs", "1", "--image-size", "32", "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--json"};
    const CliResult cv = runCli(QStringList{"cv", str(m_dataset), "--folds", "3", "--output", str(toPath(m_dir.path()) / "cv")} + small);
    QVERIFY2(cv.exitCode == 0, cv.err.constData());
    QCOMPARE(cv.json().at("folds").size(), std::size_t{3});
    const nlohmann::json cvJson = cv.json(); // kept alive through the loop (ASan found the loop reading a freed temporary)
    for (const auto& fold : cvJson.at("folds"))
        QCOMPARE(fold.at("shared_subjects").get<int>(), 0);
    const CliResult audit = runCli(QStringList{"audit", str(m_dataset), "--output", str(toPath(m_dir.path()) / "audit"), "--ratios", "0.5,0.25,0.25"} + small);
    QVERIFY2(audit.exitCode == 0, audit.err.constData());
    QCOMPARE(audit.json().at("arms").size(), std::size_t{3});
    QCOMPARE(audit.json().at("arms").at(0).at("shared_subjects").get<int>(), 0);
}

void CliModelSelectionTest::badSearchSpaceIsAUsageError()
{
    const CliResult r = runCli({"tune", str(m_dataset), "--search", "units=64:abc:64", "--output", str(toPath(m_dir.path()) / "bad-tuning")});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("units=64:abc:64") && r.err.contains("not a number"), r.err.constData());
}

QTEST_APPLESS_MAIN(CliModelSelectionTest)
#include "tst_climodelselection.moc"
