// What `train` and `predict` tell a user on the terminal: Keras' fit() layout (the model summary, the
// split and the settings first; "Epoch N/M" and a progress line per epoch with the validation
// figures; the checkpoint message after them), epochs counted from 1 everywhere, and the warnings
// that keep a user from a wrong conclusion (a frozen random backbone, a handful of test subjects,
// inputs unlike MRI) with errors kept out of the prediction column.
#include "CliProcess.h"
#include "TestTree.h"

#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class CliTrainingTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trainPrintsLikeKerasFit();
    void terminalShowsAProgressBar();
    void frozenRandomBackboneIsWarned();
    void predictWarnsAboutItsInput();

private:
    QString str(const fs::path& path) const { return QString::fromStdString(path.string()); }
    QStringList small() const
    {
        return {"--image-size", "32", "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--batch-size", "8", "--threads", "2"};
    }

    QTemporaryDir m_dir;
    fs::path m_dataset;
    fs::path m_run;
};

void CliTrainingTest::initTestCase()
{
    m_dataset = toPath(m_dir.path()) / "data";
    m_run = toPath(m_dir.path()) / "run";
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 3;
    options.size = 32;
    writeSyntheticDataset(m_dataset, options);
}

void CliTrainingTest::trainPrintsLikeKerasFit()
{
    // stderr is a pipe here: one line per epoch (Keras' verbose=2), no bar redraws.
    const CliResult r = runCli(QStringList{"train", str(m_dataset), "--output", str(m_run), "--epochs", "2"} + small());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString err = QString::fromUtf8(r.err);
    const QStringList inOrder{"Split by subject", "Settings: model cnn (filters 4/4, units 8), input 1 x 32 x 32, 2 epochs, batch 8",
                              "Model: \"cnn\", input 1 x 32 x 32", "Total params:", "Trainable params:", "Non-trainable params: 0",
                              "Epoch 1/2", "Epoch 1: val_loss improved from inf to", "Epoch 2/2"};
    qsizetype at = 0;
    for (const QString& text : inOrder) {
        const qsizetype found = err.indexOf(text, at);
        QVERIFY2(found >= 0, qPrintable("'" + text + "' missing or out of order in:\n" + err));
        at = found + text.size();
    }
    // The epoch's line: batches, time, per-step time, then Keras' figure names, validation last.
    static const QRegularExpression epochLine(
        QStringLiteral("^\\d+/\\d+ - \\d+s \\d+ms/step - loss: \\d+\\.\\d{4} - acc: \\d\\.\\d{4} - val_loss: \\d+\\.\\d{4} - val_acc: \\d\\.\\d{4}$"),
        QRegularExpression::MultilineOption);
    QCOMPARE(err.count(epochLine), 2);
    const QStringList lines = err.split('\n');
    const qsizetype improved = lines.indexOf(QRegularExpression("Epoch 1: val_loss improved.*"));
    QVERIFY(improved > 0 && epochLine.match(lines[improved - 1]).hasMatch()); // after the epoch's figures
    QVERIFY2(!err.contains("\r"), "no carriage returns into a file");

    // Epochs from 1 in history.csv and in the summary's "best epoch".
    std::ifstream in(m_run / "history.csv");
    std::string header, first, second;
    std::getline(in, header);
    std::getline(in, first);
    std::getline(in, second);
    QVERIFY2(first.rfind("1,", 0) == 0 && second.rfind("2,", 0) == 0, (first + " / " + second).c_str());
    QVERIFY(QString::fromUtf8(r.out).contains(QRegularExpression("best epoch [12] \\(val_loss")));
    // metrics.json counts the same way: best_epoch is the history row with the lowest val_loss.
    const auto valLoss = [](const std::string& row) { return std::stod(row.substr(row.rfind(',', row.rfind(',') - 1) + 1)); };
    std::ifstream metricsIn(m_run / "metrics.json");
    const nlohmann::json metrics = nlohmann::json::parse(metricsIn);
    QCOMPARE(metrics.at("epochs_from").get<int>(), 1);
    QCOMPARE(metrics.at("best_epoch").get<int>(), valLoss(second) < valLoss(first) ? 2 : 1);
    // One test subject per class: the figures are called anecdotal, with the counts.
    QVERIFY2(r.out.contains("warning: these figures rest on 3 subjects (CN 1, MCI 1, AD 1)"), r.out.constData());
}

void CliTrainingTest::terminalShowsAProgressBar()
{
    const QString script = QStandardPaths::findExecutable("script"); // util-linux: runs a command on a pseudo-terminal
    if (script.isEmpty())
        QSKIP("no 'script' program to give neurodx-cli a terminal");
    QStringList command{cliProgram()};
    command << "train" << str(m_dataset) << "--output" << str(toPath(m_dir.path()) / "run-terminal") << "--epochs" << "1" << small();
    const CliResult r = runProgram(script, {"-qec", command.join(' '), "/dev/null"});
    QVERIFY2(r.exitCode == 0, r.out.constData());
    const QString shown = QString::fromUtf8(r.out);
    QVERIFY2(shown.contains(QRegularExpression("\\d+/\\d+ \\[=*>?\\.*\\] - ETA: ")), qPrintable(shown)); // the bar while it runs
    QVERIFY2(shown.contains(QRegularExpression("\\d+/\\d+ \\[={30}\\] - \\d+s \\d+ms/step - loss: ")), qPrintable(shown));
}

void CliTrainingTest::frozenRandomBackboneIsWarned()
{
    const CliResult r = runCli({"train", str(m_dataset), "--output", str(toPath(m_dir.path()) / "frozen"), "--model", "resnet50v2", "--freeze-backbone",
                                "--epochs", "1", "--image-size", "32", "--batch-size", "8", "--threads", "2"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString err = QString::fromUtf8(r.err);
    const qsizetype warning = err.indexOf("warning: the backbone is frozen but no weights were given");
    QVERIFY2(warning >= 0, qPrintable(err));
    QVERIFY2(warning < err.indexOf("decoding"), "warned before minutes of decoding");
    QVERIFY2(err.contains("(frozen)"), qPrintable(err)); // the summary marks the frozen layers
    QVERIFY2(r.out.contains("warning: the backbone is frozen"), r.out.constData()); // and the final summary repeats it
    // With weights there is nothing to warn about (the weights file comes from the first run).
    const CliResult withWeights = runCli({"train", str(m_dataset), "--output", str(toPath(m_dir.path()) / "frozen-weights"), "--model", "resnet50v2",
                                          "--freeze-backbone", "--weights", str(toPath(m_dir.path()) / "frozen" / "best.pt"), "--epochs", "1",
                                          "--image-size", "32", "--batch-size", "8", "--threads", "2", "--quiet"});
    QVERIFY2(withWeights.exitCode == 0, withWeights.err.constData());
    QVERIFY2(!withWeights.out.contains("warning: the backbone is frozen"), withWeights.out.constData());
}

void CliTrainingTest::predictWarnsAboutItsInput()
{
    QVERIFY(fs::exists(m_run / "best.pt")); // from trainPrintsLikeKerasFit
    const fs::path inputs = toPath(m_dir.path()) / "inputs";
    fs::create_directories(inputs);
    cv::Mat colour(32, 32, CV_8UC3);
    cv::randu(colour, cv::Scalar::all(0), cv::Scalar::all(255));
    writeImage(inputs / "colour.png", colour);
    writeBytes(inputs / "broken.png", std::string("\x89PNG\r\n\x1a\n", 8) + "cut");
    fs::path grey;
    for (const auto& entry : fs::recursive_directory_iterator(m_dataset / "CN"))
        if (entry.is_regular_file() && grey.empty())
            grey = entry.path();

    const CliResult json = runCli({"predict", str(m_run / "best.pt"), str(inputs / "colour.png"), str(grey), "--json"});
    QCOMPARE(json.exitCode, 0);
    const auto predictions = json.json().at("predictions");
    bool colourWarned = false;
    for (const auto& p : predictions)
        for (const auto& w : p.at("warnings"))
            colourWarned = colourWarned || (p.at("file").get<std::string>().find("colour.png") != std::string::npos &&
                                            w.get<std::string>().find("a colour image") != std::string::npos);
    QVERIFY2(colourWarned, json.out.constData());

    const CliResult table = runCli({"predict", str(m_run / "best.pt"), str(inputs / "colour.png"), str(inputs / "broken.png")});
    QCOMPARE(table.exitCode, 1); // one file could not be read
    const QString text = QString::fromUtf8(table.out);
    QVERIFY2(text.contains(QRegularExpression("colour\\.png .* \\d warnings?\\n")), qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression("broken\\.png +unreadable, see below\\n")), qPrintable(text)); // no message in the cells
    QVERIFY2(text.contains(QRegularExpression("\\nwarning: \\S*colour\\.png: a colour image")), qPrintable(text));
    QVERIFY2(text.contains(QRegularExpression("\\nerror: \\S*broken\\.png: ")), qPrintable(text));

    const CliResult csv = runCli({"predict", str(m_run / "best.pt"), str(inputs / "colour.png"), "--format", "csv"});
    QCOMPARE(csv.exitCode, 0);
    QVERIFY2(csv.out.startsWith("file,predicted,confidence,p_CN,p_MCI,p_AD,calibrated,unlike_training,outlier_score,warnings,error\n"), csv.out.constData());
    QVERIFY2(csv.out.contains("a colour image"), csv.out.constData());
}

QTEST_APPLESS_MAIN(CliTrainingTest)
#include "tst_clitraining.moc"
