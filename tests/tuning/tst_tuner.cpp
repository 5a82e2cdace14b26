// The Hyperband oracle's bookkeeping, with a trial runner whose scores are a known function of the
// hyperparameters (the real trainer runs in the CLI end-to-end test, tests/cli).
#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "tuning/Tuner.h"

#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <set>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

// val_acc rises with units and with epochs; val_loss falls with them.
double quality(const HyperparameterValues& hp, int epoch)
{
    return hp.at("units").get<double>() / 1000.0 + hp.at("filters1").get<double>() / 10000.0 + epoch * 0.01;
}

struct ScriptedRunner {
    int calls = 0;
    int failOnCall = -1;
    int cancelAfter = -1;
    std::vector<std::string> parentsSeen;

    TrialRunner runner()
    {
        return [this](const TrialRecord& trial, const fs::path& folder, const fs::path& parent, TrainingControl& control) {
            ++calls;
            if (!parent.empty())
                parentsSeen.push_back(parent.filename().string());
            if (!fs::is_directory(folder))
                throw NeuroDxError(ErrorKind::Io, folder, "trial folder missing");
            if (calls == failOnCall)
                throw NeuroDxError(ErrorKind::InvalidDataset, "scripted failure");
            std::vector<EpochRecord> history;
            for (int e = trial.initialEpoch; e < trial.epochs; ++e) {
                EpochRecord r;
                r.epoch = e;
                r.valAccuracy = quality(trial.hyperparameters, e);
                r.valLoss = 1.0 - r.valAccuracy;
                history.push_back(r);
            }
            if (calls == cancelAfter)
                control.cancel();
            return history;
        };
    }
};

TuningConfig seedConfig()
{
    TuningConfig c;
    c.maxEpochs = 10;
    c.factor = 3;
    return c;
}

} // namespace

class TunerTest : public QObject {
    Q_OBJECT
private slots:
    void hyperbandRunsKerasTunersSchedule();
    void successiveHalvingKeepsTheBest();
    void resumeSkipsFinishedTrials();
    void sameSeedSameTrials();
    void randomSearch();
    void lossObjectiveIsMinimised();
    void failedTrialsAreRecorded();
    void refusesAFolderWithOtherSettings();
    void statusIsKerasTunersWord();

private:
    fs::path folder(const char* name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
};

void TunerTest::hyperbandRunsKerasTunersSchedule()
{
    ScriptedRunner script;
    TrainingControl control;
    const TuningResult result = Tuner(seedConfig(), folder("schedule"), script.runner()).run(control);
    QCOMPARE(result.trials.size(), std::size_t{30});
    std::map<std::pair<int, int>, std::pair<int, int>> seen; // (bracket, round) -> (trials, epochs)
    for (const TrialRecord& t : result.trials) {
        auto& entry = seen[{t.bracket, t.round}];
        ++entry.first;
        entry.second = t.epochs;
        QCOMPARE(t.status, TrialStatus::Completed);
        QVERIFY(fs::exists(folder("schedule") / ("trial_" + t.id) / "trial.json"));
    }
    const std::map<std::pair<int, int>, std::pair<int, int>> expected{{{2, 0}, {12, 2}}, {{2, 1}, {4, 4}}, {{2, 2}, {2, 10}},
                                                                      {{1, 0}, {6, 4}},  {{1, 1}, {2, 10}}, {{0, 0}, {4, 10}}};
    QVERIFY(seen == expected);
    // Brackets run most aggressive first; promoted trials continue from their parent's epochs.
    QCOMPARE(result.trials.front().bracket, 2);
    QCOMPARE(result.trials.back().bracket, 0);
    for (const TrialRecord& t : result.trials) {
        if (t.round > 0) {
            QVERIFY(!t.parent.empty());
            const auto parent = std::find_if(result.trials.begin(), result.trials.end(), [&](const TrialRecord& p) { return p.id == t.parent; });
            QCOMPARE(t.initialEpoch, parent->epochs);
            QCOMPARE(t.hyperparameters, parent->hyperparameters);
        }
    }
    QCOMPARE(script.parentsSeen.size(), std::size_t{4 + 2 + 2});
    QCOMPARE(result.bestTrial >= 0, true);
    QVERIFY(fs::exists(folder("schedule") / "oracle.json"));
}

void TunerTest::successiveHalvingKeepsTheBest()
{
    ScriptedRunner script;
    TrainingControl control;
    const TuningResult result = Tuner(seedConfig(), folder("halving"), script.runner()).run(control);
    for (int bracket = 2; bracket >= 1; --bracket) {
        for (int round = 1; round <= bracket; ++round) {
            std::vector<const TrialRecord*> previous, promoted;
            for (const TrialRecord& t : result.trials) {
                if (t.bracket == bracket && t.round == round - 1)
                    previous.push_back(&t);
                if (t.bracket == bracket && t.round == round)
                    promoted.push_back(&t);
            }
            std::sort(previous.begin(), previous.end(), [](const TrialRecord* a, const TrialRecord* b) { return a->score > b->score; });
            for (std::size_t i = 0; i < promoted.size(); ++i)
                QCOMPARE(promoted[i]->parent, previous[i]->id); // the best, in order
        }
    }
}

void TunerTest::resumeSkipsFinishedTrials()
{
    ScriptedRunner first;
    first.cancelAfter = 7;
    TrainingControl stop;
    const TuningResult partial = Tuner(seedConfig(), folder("resume"), first.runner()).run(stop);
    QVERIFY(partial.cancelled);
    QCOMPARE(partial.trials.size(), std::size_t{7});

    ScriptedRunner second;
    TrainingControl control;
    const TuningResult resumed = Tuner(seedConfig(), folder("resume"), second.runner()).run(control);
    QCOMPARE(resumed.trials.size(), std::size_t{30});
    QCOMPARE(second.calls, 30 - 6); // the 7th trial was cancelled, so it runs again

    ScriptedRunner fresh;
    const TuningResult straight = Tuner(seedConfig(), folder("straight"), fresh.runner()).run(control);
    for (std::size_t i = 0; i < 30; ++i) {
        QCOMPARE(resumed.trials[i].hyperparameters, straight.trials[i].hyperparameters);
        QCOMPARE(resumed.trials[i].parent, straight.trials[i].parent);
    }
    ScriptedRunner third;
    Tuner(seedConfig(), folder("resume"), third.runner()).run(control);
    QCOMPARE(third.calls, 0);
}

void TunerTest::sameSeedSameTrials()
{
    ScriptedRunner a, b, c;
    TrainingControl control;
    const auto one = Tuner(seedConfig(), folder("seed-a"), a.runner()).run(control);
    const auto two = Tuner(seedConfig(), folder("seed-b"), b.runner()).run(control);
    TuningConfig other = seedConfig();
    other.seed = 7;
    const auto three = Tuner(other, folder("seed-c"), c.runner()).run(control);
    std::vector<HyperparameterValues> x, y, z;
    for (std::size_t i = 0; i < 30; ++i) {
        x.push_back(one.trials[i].hyperparameters);
        y.push_back(two.trials[i].hyperparameters);
        z.push_back(three.trials[i].hyperparameters);
    }
    QVERIFY(x == y);
    QVERIFY(x != z);
}

void TunerTest::randomSearch()
{
    TuningConfig c = seedConfig();
    c.strategy = TuningConfig::Strategy::Random;
    c.maxTrials = 6;
    c.maxEpochs = 3;
    ScriptedRunner script;
    TrainingControl control;
    const TuningResult result = Tuner(c, folder("random"), script.runner()).run(control);
    QCOMPARE(result.trials.size(), std::size_t{6});
    std::set<std::string> distinct;
    for (const TrialRecord& t : result.trials) {
        QCOMPARE(t.epochs, 3);
        QVERIFY(t.parent.empty());
        distinct.insert(t.hyperparameters.dump());
    }
    QCOMPARE(distinct.size(), std::size_t{6});
}

void TunerTest::lossObjectiveIsMinimised()
{
    TuningConfig c = seedConfig();
    c.objective = MonitoredMetric::ValLoss;
    ScriptedRunner script;
    TrainingControl control;
    const TuningResult result = Tuner(c, folder("loss"), script.runner()).run(control);
    const TrialRecord& best = result.trials[static_cast<std::size_t>(result.bestTrial)];
    for (const TrialRecord& t : result.trials)
        QVERIFY(best.score <= t.score);
}

void TunerTest::failedTrialsAreRecorded()
{
    ScriptedRunner script;
    script.failOnCall = 3;
    TrainingControl control;
    const TuningResult result = Tuner(seedConfig(), folder("failed"), script.runner()).run(control);
    QCOMPARE(result.trials.size(), std::size_t{30 - 0 - 0}); // a failed round-0 trial is simply not promoted
    QCOMPARE(result.trials[2].status, TrialStatus::Failed);
    QVERIFY(QString::fromStdString(result.trials[2].error).contains("scripted failure"));
}

void TunerTest::refusesAFolderWithOtherSettings()
{
    ScriptedRunner script;
    TrainingControl control;
    Tuner(seedConfig(), folder("settings"), script.runner()).run(control);
    TuningConfig other = seedConfig();
    other.factor = 2;
    try {
        Tuner(other, folder("settings"), script.runner()).run(control);
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QVERIFY(QString(e.what()).contains("other settings"));
    }
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, Tuner(TuningConfig{TuningConfig::Strategy::Hyperband, 10, 1}, folder("x"), script.runner()));
}

// The engine holds an enum; trial.json keeps keras-tuner's words, and a word it does not know is an error.
void TunerTest::statusIsKerasTunersWord()
{
    for (const TrialStatus status : {TrialStatus::Pending, TrialStatus::Completed, TrialStatus::Failed, TrialStatus::Cancelled}) {
        QCOMPARE(trialStatusFromName(trialStatusName(status)), status);
        TrialRecord trial;
        trial.status = status;
        QCOMPARE(QString::fromStdString(trial.toJson().at("status").get<std::string>()), QString::fromStdString(trialStatusName(status)));
        QCOMPARE(TrialRecord::fromJson(trial.toJson()).status, status);
    }
    QCOMPARE(QString::fromStdString(trialStatusName(TrialStatus::Completed)), QStringLiteral("COMPLETED"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trialStatusFromName("completed"));
}

QTEST_APPLESS_MAIN(TunerTest)
#include "tst_tuner.moc"
