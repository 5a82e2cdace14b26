// The monitored metrics: one enum in the engine, Keras' names only at the edges (config.json, CLI,
// GUI). Each name reads back as its metric, losses fall and accuracies rise, an unknown name is an
// error naming the choices, and an epoch's figure is the one the name says.
#include "common/NeuroDxError.h"
#include "training/TrainingConfig.h"
#include "training/TrainingHistory.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using namespace neurodx;

Q_DECLARE_METATYPE(neurodx::MonitoredMetric)

class MonitoredMetricTest : public QObject {
    Q_OBJECT
private slots:
    void namesAndDirections_data();
    void namesAndDirections();
    void unknownNameNamesTheChoices();
    void configJsonKeepsTheName();
};

void MonitoredMetricTest::namesAndDirections_data()
{
    QTest::addColumn<MonitoredMetric>("metric");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("loss");
    QTest::addColumn<bool>("validation");
    QTest::addColumn<double>("figure"); // of the epoch below
    QTest::newRow("val_loss") << MonitoredMetric::ValLoss << "val_loss" << true << true << 0.4;
    QTest::newRow("val_acc") << MonitoredMetric::ValAccuracy << "val_acc" << false << true << 0.8;
    QTest::newRow("loss") << MonitoredMetric::Loss << "loss" << true << false << 0.3;
    QTest::newRow("acc") << MonitoredMetric::Accuracy << "acc" << false << false << 0.9;
}

void MonitoredMetricTest::namesAndDirections()
{
    QFETCH(MonitoredMetric, metric);
    QFETCH(QString, name);
    QFETCH(bool, loss);
    QFETCH(bool, validation);
    QFETCH(double, figure);
    QCOMPARE(QString::fromLatin1(metricName(metric)), name);
    QVERIFY(metricFromName(name.toStdString()) == metric);
    QCOMPARE(isLoss(metric), loss);
    QCOMPARE(isValidationMetric(metric), validation);
    EpochRecord epoch;
    epoch.loss = 0.3;
    epoch.accuracy = 0.9;
    epoch.valLoss = 0.4;
    epoch.valAccuracy = 0.8;
    QCOMPARE(epoch.value(metric), figure);
    // Losses improve downwards, accuracies upwards, and anything beats the worst value.
    QCOMPARE(improves(metric, 0.5, 0.6), loss);
    QCOMPARE(improves(metric, 0.7, 0.6), !loss);
    QVERIFY(improves(metric, figure, worstValue(metric)));
    QVERIFY(!improves(metric, std::nan(""), worstValue(metric)));
}

void MonitoredMetricTest::unknownNameNamesTheChoices()
{
    try {
        metricFromName("val_accuracy");
        QFAIL("accepted an unknown metric");
    } catch (const NeuroDxError& e) {
        const QString message = QString::fromUtf8(e.what());
        QVERIFY2(message.contains("val_accuracy") && message.contains("val_loss, val_acc, loss, acc"), qPrintable(message));
    }
}

void MonitoredMetricTest::configJsonKeepsTheName()
{
    TrainingConfig config;
    config.earlyStopping.monitor = MonitoredMetric::ValAccuracy;
    config.reduceLr.monitor = MonitoredMetric::Loss;
    const nlohmann::json json = toJson(config);
    QCOMPARE(json.at("early_stopping").at("monitor").get<std::string>(), std::string("val_acc"));
    QCOMPARE(json.at("reduce_lr").at("monitor").get<std::string>(), std::string("loss"));
    const TrainingConfig back = trainingConfigFromJson(json);
    QVERIFY(back.earlyStopping.monitor == MonitoredMetric::ValAccuracy);
    QVERIFY(back.reduceLr.monitor == MonitoredMetric::Loss);
}

QTEST_APPLESS_MAIN(MonitoredMetricTest)
#include "tst_monitoredmetric.moc"
