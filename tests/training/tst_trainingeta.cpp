// The one time-left rule (core/training/TrainingEta) the CLI's bar and the GUI's status share.
#include "training/TrainingEta.h"

#include <QtTest>

using namespace neurodx;

class TrainingEtaTest : public QObject {
    Q_OBJECT
private slots:
    void timeLeft_data();
    void timeLeft();
};

void TrainingEtaTest::timeLeft_data()
{
    QTest::addColumn<int>("epoch");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("batches");
    QTest::addColumn<double>("soFar");
    QTest::addColumn<double>("lastEpoch");
    QTest::addColumn<double>("epochLeft");
    QTest::addColumn<double>("runLeft");
    // 10 batches of an epoch in 5 s: 0.5 s a batch.
    QTest::newRow("first epoch: later epochs at this epoch's pace") << 0 << 3 << 10 << 40 << 5.0 << 0.0 << 15.0 << 15.0 + 2 * 20.0;
    QTest::newRow("later epoch: the last epoch's duration, validation included") << 1 << 3 << 10 << 40 << 5.0 << 26.0 << 15.0 << 15.0 + 26.0;
    QTest::newRow("last epoch: only its own batches") << 2 << 3 << 10 << 40 << 5.0 << 26.0 << 15.0 << 15.0;
    QTest::newRow("an epoch's last batch") << 2 << 3 << 40 << 40 << 20.0 << 26.0 << 0.0 << 0.0;
    QTest::newRow("before the first batch: nothing to go by") << 0 << 3 << 0 << 40 << 0.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("more epochs done than planned (resume): never negative") << 5 << 3 << 10 << 40 << 5.0 << 26.0 << 15.0 << 15.0;
}

void TrainingEtaTest::timeLeft()
{
    QFETCH(int, epoch);
    QFETCH(int, epochs);
    QFETCH(int, batch);
    QFETCH(int, batches);
    QFETCH(double, soFar);
    QFETCH(double, lastEpoch);
    QFETCH(double, epochLeft);
    QFETCH(double, runLeft);
    const TrainingTimeLeft left = trainingTimeLeft(epoch, epochs, batch, batches, soFar, lastEpoch);
    QCOMPARE(left.epochSeconds, epochLeft);
    QCOMPARE(left.runSeconds, runLeft);
}

QTEST_APPLESS_MAIN(TrainingEtaTest)
#include "tst_trainingeta.moc"
