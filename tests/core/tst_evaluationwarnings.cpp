// evaluationWarnings: what a reader of test figures must know before trusting them. Built from plain
// labels, probabilities and subjects, the way a run's predictions.csv is read back. modelWarnings:
// what a user of a model must know before trusting its predictions, from the model file's metadata.
#include "evaluation/Evaluation.h"
#include "inference/InputWarnings.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace neurodx;

namespace {

// `subjectsPerClass` subjects per class, `slices` slices each; every slice predicted `predicted`
// when it is >= 0, else its own class (confidently right).
EvaluationReport report(int subjectsPerClass, int slices, int predicted)
{
    std::vector<int> labels;
    std::vector<std::vector<double>> probabilities;
    std::vector<std::string> subjects;
    for (int label = 0; label < 3; ++label)
        for (int subject = 0; subject < subjectsPerClass; ++subject)
            for (int slice = 0; slice < slices; ++slice) {
                labels.push_back(label);
                std::vector<double> p(3, 0.1);
                p[static_cast<std::size_t>(predicted >= 0 ? predicted : label)] = 0.8;
                probabilities.push_back(p);
                subjects.push_back(std::to_string(label) + "_" + std::to_string(subject));
            }
    return evaluationReport(labels, probabilities, subjects, {"CN", "MCI", "AD"}, 0);
}

} // namespace

class EvaluationWarningsTest : public QObject {
    Q_OBJECT
private slots:
    void warnsWhereFiguresMislead_data();
    void warnsWhereFiguresMislead();
    void warnsAboutAModelNearChance_data();
    void warnsAboutAModelNearChance();
};

void EvaluationWarningsTest::warnsWhereFiguresMislead_data()
{
    QTest::addColumn<int>("subjectsPerClass");
    QTest::addColumn<int>("predicted");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("enough subjects, every class predicted") << 10 << -1 << QStringList{};
    QTest::newRow("one subject per class") << 1 << -1
                                           << QStringList{"these figures rest on 3 subjects (CN 1, MCI 1, AD 1): with fewer than 10 per class one "
                                                          "subject moves subject-level accuracy by 33 points"};
    QTest::newRow("nine per class") << 9 << -1 << QStringList{"these figures rest on 27 subjects (CN 9, MCI 9, AD 9)"};
    QTest::newRow("MCI for everything") << 12 << 1 << QStringList{"the model predicts MCI for all 108 slices"};
    QTest::newRow("both") << 2 << 2 << QStringList{"rest on 6 subjects", "the model predicts AD for all 18 slices"};
}

void EvaluationWarningsTest::warnsWhereFiguresMislead()
{
    QFETCH(int, subjectsPerClass);
    QFETCH(int, predicted);
    QFETCH(QStringList, expected);
    const std::vector<std::string> warnings = evaluationWarnings(report(subjectsPerClass, 3, predicted));
    QCOMPARE(int(warnings.size()), int(expected.size()));
    for (int i = 0; i < expected.size(); ++i)
        QVERIFY2(QString::fromStdString(warnings[static_cast<std::size_t>(i)]).contains(expected[i]), warnings[static_cast<std::size_t>(i)].c_str());
}

void EvaluationWarningsTest::warnsAboutAModelNearChance_data()
{
    QTest::addColumn<QString>("metadata"); // the model file's metadata, as JSON
    QTest::addColumn<int>("classes");
    QTest::addColumn<QString>("expected"); // a part of the warning, or empty for none
    QTest::newRow("3 classes, 0.36: chance level") << R"({"validation": {"accuracy": 0.36, "loss": 1.09}})" << 3
                                                   << "validation accuracy is 0.36, close to chance (0.33 for 3 classes)";
    QTest::newRow("3 classes, 0.47: still within the margin") << R"({"validation": {"accuracy": 0.47}})" << 3 << "close to chance";
    QTest::newRow("3 classes, 0.49: learnt something") << R"({"validation": {"accuracy": 0.49}})" << 3 << "";
    QTest::newRow("2 classes, 0.55: chance level") << R"({"validation": {"accuracy": 0.55}})" << 2 << "(0.50 for 2 classes)";
    QTest::newRow("2 classes, 0.90") << R"({"validation": {"accuracy": 0.90}})" << 2 << "";
    QTest::newRow("no validation figures (an imported Keras model)") << R"({"architecture": {"name": "cnn"}})" << 3 << "";
    QTest::newRow("damaged: accuracy not a number") << R"({"validation": {"accuracy": "high"}})" << 3 << "";
    QTest::newRow("metadata not an object") << R"([1, 2])" << 3 << "";
}

void EvaluationWarningsTest::warnsAboutAModelNearChance()
{
    QFETCH(QString, metadata);
    QFETCH(int, classes);
    QFETCH(QString, expected);
    const std::vector<std::string> warnings = modelWarnings(nlohmann::json::parse(metadata.toStdString()), static_cast<std::size_t>(classes));
    if (expected.isEmpty()) {
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().c_str());
        return;
    }
    QCOMPARE(warnings.size(), std::size_t{1});
    QVERIFY2(QString::fromStdString(warnings.front()).contains(expected), warnings.front().c_str());
}

QTEST_APPLESS_MAIN(EvaluationWarningsTest)
#include "tst_evaluationwarnings.moc"
