#include "tuning/HyperbandSchedule.h"

#include <QtTest>

using namespace neurodx;

class HyperbandScheduleTest : public QObject {
    Q_OBJECT
private slots:
    void matchesKerasTuner_data();
    void matchesKerasTuner();
    void seedSearchHasThirtyTrials();
    void otherSettings_data();
    void otherSettings();
};

void HyperbandScheduleTest::matchesKerasTuner_data()
{
    // keras-tuner's HyperbandOracle with max_epochs=10, factor=3, written down by hand from
    // _get_size and _get_epochs: brackets run 2, 1, 0.
    QTest::addColumn<int>("bracket");
    QTest::addColumn<int>("round");
    QTest::addColumn<int>("trials");
    QTest::addColumn<int>("epochs");
    QTest::newRow("b2 r0") << 2 << 0 << 12 << 2;
    QTest::newRow("b2 r1") << 2 << 1 << 4 << 4;
    QTest::newRow("b2 r2") << 2 << 2 << 2 << 10;
    QTest::newRow("b1 r0") << 1 << 0 << 6 << 4;
    QTest::newRow("b1 r1") << 1 << 1 << 2 << 10;
    QTest::newRow("b0 r0") << 0 << 0 << 4 << 10;
}

void HyperbandScheduleTest::matchesKerasTuner()
{
    QFETCH(int, bracket);
    QFETCH(int, round);
    QFETCH(int, trials);
    QFETCH(int, epochs);
    const HyperbandSchedule schedule{10, 3};
    QCOMPARE(schedule.trials(bracket, round), trials);
    QCOMPARE(schedule.epochs(bracket, round), epochs);
}

void HyperbandScheduleTest::seedSearchHasThirtyTrials()
{
    const HyperbandSchedule schedule{10, 3};
    QCOMPARE(schedule.brackets(), 3);
    QCOMPARE(schedule.rounds(2), 3);
    QCOMPARE(schedule.trialsPerIteration(), 30); // the seed's log ends at trial 29
}

void HyperbandScheduleTest::otherSettings_data()
{
    QTest::addColumn<int>("maxEpochs");
    QTest::addColumn<int>("factor");
    QTest::addColumn<int>("brackets");
    QTest::addColumn<int>("firstTrials");
    QTest::addColumn<int>("firstEpochs");
    // max 3, factor 3: brackets 2; ceil(1 + 1) = 2 -> bracket 1 starts with ceil(2/2 * 3) = 3 trials of 1 epoch.
    QTest::newRow("3/3") << 3 << 3 << 2 << 3 << 1;
    // max 100, factor 3: 5 brackets; ceil(1 + log3 100) = 6 -> ceil(6/5 * 81) = 98 trials of 2 epochs.
    QTest::newRow("100/3") << 100 << 3 << 5 << 98 << 2;
    // max 1: one bracket of ceil(1 + 0) = 1 trial.
    QTest::newRow("1/3") << 1 << 3 << 1 << 1 << 1;
}

void HyperbandScheduleTest::otherSettings()
{
    QFETCH(int, maxEpochs);
    QFETCH(int, factor);
    QFETCH(int, brackets);
    QFETCH(int, firstTrials);
    QFETCH(int, firstEpochs);
    const HyperbandSchedule schedule{maxEpochs, factor};
    QCOMPARE(schedule.brackets(), brackets);
    QCOMPARE(schedule.trials(brackets - 1, 0), firstTrials);
    QCOMPARE(schedule.epochs(brackets - 1, 0), firstEpochs);
    QCOMPARE(schedule.epochs(brackets - 1, brackets - 1), maxEpochs);
}

QTEST_APPLESS_MAIN(HyperbandScheduleTest)
#include "tst_hyperbandschedule.moc"
