// Cross-validation and the leakage audit on synthetic phantoms, with the real trainer.
#include "TestTree.h"

#include "synthetic/PhantomGenerator.h"
#include "tuning/ModelSelection.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class ModelSelectionTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void auditShowsLeakageOnPhantoms();
    void crossValidationReportsEveryFold();

private:
    TrainingJobConfig job(const char* folder, int epochs) const;
    QTemporaryDir m_dir;
};

void ModelSelectionTest::initTestCase()
{
    PhantomOptions phantoms;
    phantoms.subjectsPerClass = 12;
    phantoms.slicesPerSubject = 10;
    phantoms.size = 32;
    writeSyntheticDataset(toPath(m_dir.path()) / "data", phantoms);
}

TrainingJobConfig ModelSelectionTest::job(const char* folder, int epochs) const
{
    TrainingJobConfig j;
    j.dataset = toPath(m_dir.path()) / "data";
    j.runFolder = toPath(m_dir.path()) / folder;
    j.training.model.architecture = neurodx::Architecture::Cnn;
    j.training.model.filters1 = 16;
    j.training.model.filters2 = 16;
    j.training.model.hiddenUnits = 64;
    j.training.input = {32, 1};
    j.training.epochs = epochs;
    j.training.batchSize = 16;
    j.training.threads = 2;
    j.training.augment = false;
    j.training.earlyStopping.enabled = false;
    j.bootstrapResamples = 50;
    return j;
}

void ModelSelectionTest::auditShowsLeakageOnPhantoms()
{
    TrainingControl control;
    const LeakageAuditResult audit = runLeakageAudit(job("audit", 25), control);
    QCOMPARE(audit.arms.size(), std::size_t{3});
    for (const auto& arm : audit.arms)
        qInfo("%s: test accuracy %.3f (chance %.3f, shared subjects %zu)", arm.name.c_str(), arm.accuracy, arm.chance, arm.sharedSubjects);
    QCOMPARE(audit.arms[0].sharedSubjects, std::size_t{0});
    QVERIFY(audit.arms[1].sharedSubjects > 0);
    QVERIFY(audit.arms[1].accuracy >= audit.arms[0].accuracy);
    QVERIFY(audit.leakage);
    QVERIFY(audit.recognisesPeople); // random labels per subject, yet far above chance
    QVERIFY(QString::fromStdString(audit.explanation).contains("recognising people"));
    QVERIFY(fs::exists(toPath(m_dir.path()) / "audit" / "random-labels" / "metrics.json"));
}

void ModelSelectionTest::crossValidationReportsEveryFold()
{
    TrainingControl control;
    const CrossValidationResult cv = runCrossValidation(job("cv", 3), 3, control);
    QCOMPARE(cv.folds.size(), std::size_t{3});
    std::size_t tested = 0;
    for (std::size_t f = 0; f < 3; ++f) {
        QCOMPARE(cv.folds[f].fold, static_cast<int>(f));
        QCOMPARE(cv.folds[f].sharedSubjects, std::size_t{0});
        tested += cv.folds[f].testSlices;
        QCOMPARE(FoldSummary::fromJson(cv.folds[f].toJson()).toJson(), cv.folds[f].toJson());
    }
    QCOMPARE(tested, std::size_t{360}); // every slice tested once
    double mean = 0;
    for (const auto& fold : cv.folds)
        mean += fold.accuracy / 3.0;
    QVERIFY(std::abs(cv.accuracy.mean - mean) < 1e-12);
    QVERIFY(cv.accuracy.std >= 0);
    const nlohmann::json j = cv.toJson();
    QCOMPARE(j.at("folds").size(), std::size_t{3});
    QVERIFY(j.at("macro_f1").contains("std"));
}

QTEST_APPLESS_MAIN(ModelSelectionTest)
#include "tst_modelselection.moc"
