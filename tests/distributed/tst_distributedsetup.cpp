// The torchrun environment as NeuroDx reads it: what a rank needs, and the message for each mistake.
#include "common/NeuroDxError.h"
#include "distributed/DistributedSetup.h"

#include <QtTest>

using namespace neurodx;

namespace {

Environment torchrunEnvironment()
{
    return {{"RANK", "1"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "10.0.0.5"}, {"MASTER_PORT", "29400"},
            {"TORCHELASTIC_USE_AGENT_STORE", "False"}, {"TORCHELASTIC_RESTART_COUNT", "0"}};
}

} // namespace

Q_DECLARE_METATYPE(neurodx::Environment)

class DistributedSetupTest : public QObject {
    Q_OBJECT
private slots:
    void readsTorchrunsEnvironment();
    void agentStoreAndRestarts();
    void requestedOnlyForMoreThanOneRank_data();
    void requestedOnlyForMoreThanOneRank();
    void mistakesAreNamed_data();
    void mistakesAreNamed();
};

void DistributedSetupTest::readsTorchrunsEnvironment()
{
    const DistributedSetup setup = distributedSetupFrom(torchrunEnvironment(), std::chrono::seconds(60));
    QCOMPARE(setup.rank, 1);
    QCOMPARE(setup.worldSize, 4);
    QCOMPARE(setup.localRank, 1);
    QCOMPARE(setup.localWorldSize, 2);
    QCOMPARE(setup.masterAddress, std::string("10.0.0.5"));
    QCOMPARE(setup.masterPort, 29400);
    QVERIFY(!setup.agentHostsStore);
    QVERIFY(!setup.isLeader());
    QCOMPARE(setup.timeout.count(), 60);
    QCOMPARE(setup.rankText(), std::string("rank 1 of 4"));
}

void DistributedSetupTest::agentStoreAndRestarts()
{
    Environment environment = torchrunEnvironment();
    environment["TORCHELASTIC_USE_AGENT_STORE"] = "True";
    environment["TORCHELASTIC_RESTART_COUNT"] = "2";
    // A hand-written launcher sets only the four required variables.
    const DistributedSetup agent = distributedSetupFrom(environment, std::chrono::seconds(5));
    QVERIFY(agent.agentHostsStore);
    QCOMPARE(agent.restartCount, 2);
    const DistributedSetup minimal =
        distributedSetupFrom({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "1234"}}, std::chrono::seconds(5));
    QVERIFY(minimal.isLeader());
    QCOMPARE(minimal.localRank, 0);
    QCOMPARE(minimal.localWorldSize, 1);
    QVERIFY(!minimal.agentHostsStore);
}

void DistributedSetupTest::requestedOnlyForMoreThanOneRank_data()
{
    QTest::addColumn<Environment>("environment");
    QTest::addColumn<bool>("requested");
    QTest::newRow("nothing set") << Environment{} << false;
    QTest::newRow("one rank") << Environment{{"WORLD_SIZE", "1"}} << false;
    QTest::newRow("two ranks") << Environment{{"WORLD_SIZE", "2"}} << true;
    QTest::newRow("not a number") << Environment{{"WORLD_SIZE", "two"}} << false;
}

void DistributedSetupTest::requestedOnlyForMoreThanOneRank()
{
    QFETCH(Environment, environment);
    QFETCH(bool, requested);
    QCOMPARE(environmentRequestsDistributed(environment), requested);
}

void DistributedSetupTest::mistakesAreNamed_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value"); // empty: unset
    QTest::addColumn<QString>("message");
    QTest::newRow("no rank") << "RANK" << "" << "needs RANK in the environment";
    QTest::newRow("rank beyond the world") << "RANK" << "4" << "RANK=4 is not a whole number from 0 to 3";
    QTest::newRow("negative rank") << "RANK" << "-1" << "RANK=-1 is not a whole number from 0 to 3";
    QTest::newRow("no world size") << "WORLD_SIZE" << "" << "needs WORLD_SIZE";
    QTest::newRow("world size zero") << "WORLD_SIZE" << "0" << "WORLD_SIZE=0 is not a whole number from 1";
    QTest::newRow("port too large") << "MASTER_PORT" << "70000" << "MASTER_PORT=70000 is not a whole number from 1 to 65535";
    QTest::newRow("port text") << "MASTER_PORT" << "http" << "MASTER_PORT=http is not a whole number";
    QTest::newRow("no address") << "MASTER_ADDR" << "" << "needs MASTER_ADDR";
    QTest::newRow("local rank beyond local world") << "LOCAL_RANK" << "2" << "LOCAL_RANK=2 is not a whole number from 0 to 1";
}

void DistributedSetupTest::mistakesAreNamed()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, message);
    Environment environment = torchrunEnvironment();
    if (value.isEmpty())
        environment.erase(variable.toStdString());
    else
        environment[variable.toStdString()] = value.toStdString();
    try {
        distributedSetupFrom(environment, std::chrono::seconds(5));
        QFAIL("accepted");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::InvalidArgument);
        QVERIFY2(QString(e.what()).contains(message), e.what());
        QVERIFY2(QString(e.what()).contains("torchrun"), e.what()); // says how such a job is started
    }
}

QTEST_MAIN(DistributedSetupTest)
#include "tst_distributedsetup.moc"
