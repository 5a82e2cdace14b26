#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "tuning/SearchSpace.h"
#include "tuning/TuningJob.h"

#include <QtTest>

#include <set>

using namespace neurodx;

class SearchSpaceTest : public QObject {
    Q_OBJECT
private slots:
    void seedSpace();
    void parsesDefinitions_data();
    void parsesDefinitions();
    void rejectsBadDefinitions_data();
    void rejectsBadDefinitions();
    void samplesStayInRange();
    void hyperparametersBecomeTraining();
};

void SearchSpaceTest::seedSpace()
{
    const SearchSpace space = SearchSpace::seedDefault();
    QCOMPARE(space.parameters().size(), std::size_t{3});
    QCOMPARE(space.combinations(), 3.0 * 3.0 * 8.0);
}

void SearchSpaceTest::parsesDefinitions_data()
{
    QTest::addColumn<QString>("definition");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::newRow("choice") << "filters1=16,32,64" << int(Hyperparameter::Kind::Choice) << 16.0 << 64.0;
    QTest::newRow("int range") << "units=64:512:64" << int(Hyperparameter::Kind::Int) << 64.0 << 512.0;
    QTest::newRow("float") << "dropout=0..0.5" << int(Hyperparameter::Kind::Float) << 0.0 << 0.5;
    QTest::newRow("log float") << "learning_rate=1e-4..1e-2:log" << int(Hyperparameter::Kind::LogFloat) << 1e-4 << 1e-2;
    QTest::newRow("spaces") << " units = 32 : 64 : 32 " << int(Hyperparameter::Kind::Int) << 32.0 << 64.0;
}

void SearchSpaceTest::parsesDefinitions()
{
    QFETCH(QString, definition);
    QFETCH(int, kind);
    QFETCH(double, low);
    QFETCH(double, high);
    const Hyperparameter hp = SearchSpace::parseDefinition(definition.toStdString());
    QCOMPARE(int(hp.kind), kind);
    if (hp.kind == Hyperparameter::Kind::Choice) {
        QCOMPARE(hp.choices.front(), low);
        QCOMPARE(hp.choices.back(), high);
    } else {
        QCOMPARE(hp.min, low);
        QCOMPARE(hp.max, high);
    }
    SearchSpace space;
    space.set(hp);
}

void SearchSpaceTest::rejectsBadDefinitions_data()
{
    QTest::addColumn<QString>("definition");
    QTest::addColumn<QString>("words");
    QTest::newRow("no equals") << "units" << "expected name=values";
    QTest::newRow("empty") << "units=" << "no values";
    QTest::newRow("not a number") << "units=64:abc:64" << "not a number";
    QTest::newRow("two-part range") << "units=64:512" << "min:max:step";
    QTest::newRow("zero step") << "units=64:512:0" << "step must be positive";
    QTest::newRow("reversed float") << "dropout=0.5..0.1" << "minimum must be below";
    QTest::newRow("log of zero") << "learning_rate=0..1e-2:log" << "positive";
    QTest::newRow("duplicate") << "filters1=16,16" << "twice";
    QTest::newRow("unknown name") << "momentum=0.1..0.9" << "not a hyperparameter NeuroDx tunes";
    QTest::newRow("fractional filters") << "filters1=16.5,32" << "whole numbers";
    QTest::newRow("zero units") << "units=0,64" << "at least 1";
    QTest::newRow("dropout one") << "dropout=0..1" << "[0, 1)";
    QTest::newRow("learning rate too big") << "learning_rate=0.1..20" << "below 10";
}

void SearchSpaceTest::rejectsBadDefinitions()
{
    QFETCH(QString, definition);
    QFETCH(QString, words);
    try {
        SearchSpace space;
        space.set(SearchSpace::parseDefinition(definition.toStdString()));
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QCOMPARE(e.kind(), ErrorKind::InvalidArgument);
        QVERIFY2(QString(e.what()).contains(words), e.what());
    }
}

void SearchSpaceTest::samplesStayInRange()
{
    SearchSpace space = SearchSpace::seedDefault();
    space.set(SearchSpace::parseDefinition("learning_rate=1e-4..1e-2:log"));
    SeededRandom random(1);
    std::set<long long> units;
    int belowGeometricMean = 0;
    for (int i = 0; i < 2000; ++i) {
        const HyperparameterValues v = space.sample(random);
        const long long u = v.at("units").get<long long>();
        QVERIFY(u >= 64 && u <= 512 && u % 64 == 0);
        units.insert(u);
        const double lr = v.at("learning_rate").get<double>();
        QVERIFY(lr >= 1e-4 && lr <= 1e-2);
        belowGeometricMean += lr < 1e-3 ? 1 : 0;
        QVERIFY(v.at("filters1").is_number_integer());
    }
    QCOMPARE(units.size(), std::size_t{8});
    QVERIFY(belowGeometricMean > 850 && belowGeometricMean < 1150); // log-uniform: half below 1e-3
}

void SearchSpaceTest::hyperparametersBecomeTraining()
{
    TrainingConfig config;
    applyHyperparameters(config, {{"filters1", 16}, {"filters2", 32}, {"units", 320}, {"learning_rate", 0.0005}, {"dropout", 0.25}});
    QVERIFY(config.model.architecture == neurodx::Architecture::Cnn);
    QCOMPARE(config.model.filters2, 32);
    QCOMPARE(config.model.hiddenUnits, 320);
    QCOMPARE(config.learningRate, 0.0005);
    QCOMPARE(config.model.dropout, 0.25);
    QCOMPARE(QString::fromStdString(trainArguments({{"filters1", 16}, {"filters2", 16}, {"units", 320}})),
             QStringLiteral("--model cnn --filters1 16 --filters2 16 --units 320"));
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, applyHyperparameters(config, {{"momentum", 0.9}}));
}

QTEST_APPLESS_MAIN(SearchSpaceTest)
#include "tst_searchspace.moc"
