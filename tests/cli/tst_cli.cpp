// neurodx-cli end to end: the real executable, run with QProcess on generated data. (Help and
// usage errors: tst_clihelp; tune, cv and audit: tst_climodelselection.)
#include "CliProcess.h"
#include "FileSnapshot.h"
#include "TestTree.h"

#include "inference/SliceClassifier.h"
#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <optional>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class CliTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void referenceBlasIsWarnedAbout();
    void scanJsonCountsExactly();
    void scanTextShowsTable();
    void splitJsonProvesNoSharedSubjects();
    void splitBySliceReportsLeakage();
    void splitWritesSplitJson();
    void infoJsonDescribesDicom();
    void infoJsonReportsErrors_data();
    void infoJsonReportsErrors();
    void synthJson();
    void demoRunsEndToEnd();
    void trainWritesACompleteRunFolder();
    void evaluateRunMatchesItsMetrics();
    void predictReadsDicomAndPng();
    void predictionsAreCalibratedAndChecked();
    void interruptLeavesValidCheckpoints();

private:
    // The run of trainWritesACompleteRunFolder, trained on first use by whichever test needs it,
    // so every test runs alone and in any order. Empty result when training failed.
    const CliResult& trainedRun();
    QTemporaryDir m_dir;
    fs::path m_dataset;
    fs::path m_run;
    std::optional<CliResult> m_training;
};

void CliTest::initTestCase()
{
    QVERIFY(!QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR").isEmpty());
    m_run = toPath(m_dir.path()) / "run";
    m_dataset = toPath(m_dir.path()) / "data";
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 3;
    options.size = 32;
    options.format = PhantomOptions::Format::Mixed;
    writeSyntheticDataset(m_dataset, options);
    // Junk an ADNI download folder really has.
    writeBytes(m_dataset / "CN/.DS_Store", "Bud1");
    writeBytes(m_dataset / "AD/notes.txt", "n/a");
    writeBytes(m_dataset / "MCI/empty.dcm", "");
    writePng(m_dataset / "Unsorted/x.png");
}

void CliTest::referenceBlasIsWarnedAbout()
{
    // Debian installs Netlib's reference BLAS in <libdir>/blas; putting it first in the library path is
    // what a machine without OpenBLAS selected looks like to LibTorch.
    const QString referenceDir = QStringLiteral("/usr/lib/x86_64-linux-gnu/blas");
    if (!QFileInfo::exists(referenceDir + "/libblas.so.3"))
        QSKIP("the reference BLAS (libblas3) is not installed here");
    const CliResult normal = runCli({"--version"});
    QVERIFY2(normal.out.contains("BLAS: OpenBLAS"), normal.out.constData());
    QVERIFY(!normal.err.contains("warning"));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("LD_LIBRARY_PATH", referenceDir);
    const CliResult version = runCli({"--version"}, environment);
    QCOMPARE(version.exitCode, 0);
    QVERIFY2(version.out.contains("BLAS: reference BLAS"), version.out.constData());
    QVERIFY2(version.err.contains("warning: matrix products run on the reference BLAS"), version.err.constData());
    // Computing commands warn before they start; the others stay quiet.
    const CliResult predict = runCli({"predict", "/nonexistent/model.pt", "/nonexistent/slice.png"}, environment);
    QVERIFY(predict.err.contains("reference BLAS"));
    QVERIFY(predict.err.contains("libopenblas0-pthread"));
    QVERIFY(!runCli({"scan", "/nonexistent"}, environment).err.contains("BLAS"));
}

void CliTest::scanJsonCountsExactly()
{
    const CliResult r = runCli({"scan", str(m_dataset), "--json"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    for (const char* c : {"CN", "MCI", "AD"}) {
        QCOMPARE(j.at("classes").at(c).at("images").get<int>(), 12);
        QCOMPARE(j.at("classes").at(c).at("subjects").get<int>(), 4);
    }
    QCOMPARE(j.at("total_images").get<int>(), 36);
    QCOMPARE(j.at("total_subjects").get<int>(), 12);
    QCOMPARE(j.at("skipped").size(), std::size_t{4}); // .DS_Store, notes.txt, empty.dcm, metadata.csv
    QCOMPARE(j.at("unassigned_folders").size(), std::size_t{1});
    QCOMPARE(j.at("unassigned_folders").at(0).at("path").get<std::string>(), std::string("Unsorted"));
    QVERIFY(r.err.isEmpty()); // no progress noise in JSON mode
}

void CliTest::scanTextShowsTable()
{
    const CliResult r = runCli({"scan", str(m_dataset)});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("class"));
    QVERIFY(r.out.contains("total"));
    QVERIFY(r.out.contains("Skipped 4 files"));
    QVERIFY(r.out.contains("Unsorted"));
}

void CliTest::splitJsonProvesNoSharedSubjects()
{
    const CliResult r = runCli({"split", str(m_dataset), "--json", "--ratios", "0.5,0.25,0.25"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    QCOMPARE(j.at("shared_subjects").get<int>(), 0);
    QCOMPARE(j.at("mode").get<std::string>(), std::string("subject"));
    int images = 0;
    for (const char* part : {"train", "validation", "test"}) {
        for (const char* c : {"CN", "MCI", "AD"}) {
            const auto& counts = j.at("counts").at(part).at("classes").at(c);
            images += counts.at("images").get<int>();
            QVERIFY(counts.at("subjects").get<int>() >= 1);
        }
    }
    QCOMPARE(images, 36);
}

void CliTest::splitBySliceReportsLeakage()
{
    const CliResult r = runCli({"split", str(m_dataset), "--json", "--mode", "slice"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.json().at("shared_subjects").get<int>() > 0);
}

void CliTest::splitWritesSplitJson()
{
    const fs::path output = toPath(m_dir.path()) / "split.json";
    const CliResult r = runCli({"split", str(m_dataset), "--output", str(output), "--seed", "7"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Subjects shared between parts: 0"));
    std::ifstream in(output);
    const nlohmann::json j = nlohmann::json::parse(in);
    QCOMPARE(j.at("seed").get<int>(), 7);
    QCOMPARE(j.at("parts").at("train").size() + j.at("parts").at("validation").size() + j.at("parts").at("test").size(), std::size_t{36});
}

void CliTest::infoJsonDescribesDicom()
{
    DicomWriteOptions options;
    options.encoding = DicomEncoding::JpegLsLossless;
    options.windowCenter = 50;
    options.windowWidth = 100;
    options.patientName = "DOE^JANE";
    options.patientId = "SECRET-ID-123";
    const fs::path file = toPath(m_dir.path()) / "slice.dcm";
    writeSmallDicom(file, options);
    const CliResult r = runCli({"info", str(file), "--json"});
    QCOMPARE(r.exitCode, 0);
    const nlohmann::json j = r.json();
    QCOMPARE(j.at("format").get<std::string>(), std::string("dicom"));
    QCOMPARE(j.at("width").get<int>(), 8);
    QCOMPARE(j.at("height").get<int>(), 6);
    QCOMPARE(j.at("modality").get<std::string>(), std::string("MR"));
    QCOMPARE(j.at("transfer_syntax_uid").get<std::string>(), std::string("1.2.840.10008.1.2.4.80"));
    QCOMPARE(j.at("window_center").get<double>(), 50.0);
    QCOMPARE(j.at("display_window").at("source").get<std::string>(), std::string("file window"));
    // Identifiers never appear in the output.
    QVERIFY(!r.out.contains("DOE") && !r.out.contains("SECRET"));
    const CliResult text = runCli({"info", str(file)});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("JPEG-LS"));
}

void CliTest::infoJsonReportsErrors_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("words");
    QTest::newRow("not an image") << QByteArray("hello") << "not an image";
    QTest::newRow("empty") << QByteArray() << "empty";
    QTest::newRow("no pixel data") << QByteArray::fromStdString(dicomWithoutPixelData("SR")) << "no pixel data";
}

void CliTest::infoJsonReportsErrors()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, words);
    const fs::path file = toPath(m_dir.path()) / "bad.dcm";
    writeBytes(file, content.toStdString());
    const CliResult r = runCli({"info", str(file), "--json"});
    QCOMPARE(r.exitCode, 2);
    const nlohmann::json j = r.json();
    QVERIFY(QString::fromStdString(j.at("error").get<std::string>()).contains(words));
    QVERIFY(QString::fromStdString(j.at("error").get<std::string>()).contains("bad.dcm"));
    QVERIFY(r.err.contains("bad.dcm"));
}

void CliTest::synthJson()
{
    const fs::path out = toPath(m_dir.path()) / "synth";
    const CliResult r = runCli({"synth", str(out), "--json", "--subjects-per-class", "2", "--slices", "2", "--size", "32"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json().at("images").get<int>(), 12);
    QVERIFY(fs::exists(out / "metadata.csv"));
    QCOMPARE(runCli({"synth", str(out), "--size", "5"}).exitCode, 2);
}

void CliTest::demoRunsEndToEnd()
{
    const fs::path out = toPath(m_dir.path()) / "demo";
    const CliResult r = runCli({"demo", "--output", str(out), "--subjects-per-class", "6", "--slices", "4", "--size", "32",
                             "--image-size", "32", "--epochs", "2", "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Slice level"), r.out.constData());
    QVERIFY(r.out.contains("Predictions for subjects outside the dataset"));
    QVERIFY(r.out.contains(".dcm") && r.out.contains(".png"));
    QVERIFY(r.out.contains("not a certified medical device"));
    QVERIFY(fs::exists(out / "run" / "best.pt"));
}

namespace {

std::vector<std::vector<std::string>> csvRows(const fs::path& file)
{
    std::ifstream in(file);
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char ch : line) {
            if (ch == '"')
                quoted = !quoted;
            else if (ch == ',' && !quoted) {
                cells.push_back(cell);
                cell.clear();
            } else
                cell += ch;
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

} // namespace

const CliResult& CliTest::trainedRun()
{
    if (!m_training)
        m_training = runCli({"train", str(m_dataset), "--output", str(m_run), "--json", "--image-size", "32", "--epochs", "3",
                             "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--ratios", "0.5,0.25,0.25",
                             "--batch-size", "8", "--threads", "2"});
    return *m_training;
}

void CliTest::trainWritesACompleteRunFolder()
{
    const CliResult& r = trainedRun();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    for (const char* file : {"config.json", "split.json", "history.csv", "best.pt", "last.pt", "last_optimizer.pt", "metrics.json",
                             "confusion.csv", "predictions.csv"})
        QVERIFY2(fs::exists(m_run / file), file);
    const nlohmann::json summary = r.json();
    QCOMPARE(summary.at("history").size(), std::size_t{3});

    // metrics.json agrees with a recomputation from predictions.csv.
    std::ifstream in(m_run / "metrics.json");
    const nlohmann::json metrics = nlohmann::json::parse(in);
    const auto rows = csvRows(m_run / "predictions.csv");
    QCOMPARE(rows.front()[0], std::string("path"));
    int correct = 0;
    for (std::size_t i = 1; i < rows.size(); ++i)
        correct += rows[i][2] == rows[i][3] ? 1 : 0;
    const double accuracy = double(correct) / double(rows.size() - 1);
    QCOMPARE(metrics.at("slice_level").at("count").get<std::size_t>(), rows.size() - 1);
    QVERIFY(std::abs(metrics.at("slice_level").at("accuracy").get<double>() - accuracy) < 1e-12);
    std::size_t confusionTotal = 0;
    for (const auto& row : csvRows(m_run / "confusion.csv"))
        for (std::size_t c = 1; c < row.size(); ++c)
            confusionTotal += row[0].rfind("true", 0) == 0 ? 0 : std::stoul(row[c]);
    QCOMPARE(confusionTotal, rows.size() - 1);
    QCOMPARE(csvRows(m_run / "history.csv").front(), (std::vector<std::string>{"epoch", "acc", "loss", "lr", "val_acc", "val_loss", "seconds"}));
}

void CliTest::evaluateRunMatchesItsMetrics()
{
    QVERIFY2(trainedRun().exitCode == 0, trainedRun().err.constData());
    const CliResult r = runCli({"evaluate", str(m_run / "best.pt"), str(m_run), "--json", "--bootstrap", "50"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    std::ifstream in(m_run / "metrics.json");
    const nlohmann::json metrics = nlohmann::json::parse(in);
    QCOMPARE(r.json().at("part").get<std::string>(), std::string("test"));
    QCOMPARE(r.json().at("slice_level").at("confusion"), metrics.at("slice_level").at("confusion"));
    const CliResult whole = runCli({"evaluate", str(m_run / "best.pt"), str(m_dataset), "--json", "--bootstrap", "0"});
    QCOMPARE(whole.exitCode, 0);
    QCOMPARE(whole.json().at("slice_level").at("count").get<int>(), 36);
    QCOMPARE(runCli({"evaluate", str(m_run / "best.pt")}).exitCode, 2);
}

void CliTest::predictReadsDicomAndPng()
{
    QVERIFY2(trainedRun().exitCode == 0, trainedRun().err.constData());
    std::vector<fs::path> images;
    for (const auto& entry : fs::recursive_directory_iterator(m_dataset / "AD")) {
        const auto ext = entry.path().extension();
        if ((ext == ".png" && images.empty()) || (ext == ".dcm" && images.size() == 1))
            images.push_back(entry.path());
    }
    QCOMPARE(images.size(), std::size_t{2});
    const fs::path model = m_run / "best.pt";
    const CliResult r = runCli({"predict", str(model), str(images[0]), str(images[1]), "--json", "--precision", "fp32"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const nlohmann::json predictions = r.json().at("predictions");
    QCOMPARE(predictions.size(), std::size_t{2});
    // What the engine computes in this process for the same files: the CLI adds nothing and loses nothing.
    SliceClassifier engine(model, InferencePrecision::Float32);
    const std::vector<std::string> classes = engine.classNames();
    for (std::size_t i = 0; i < images.size(); ++i) {
        const Prediction expected = engine.classify(images[i], std::nullopt, std::nullopt).prediction;
        const nlohmann::json& p = predictions.at(i);
        QCOMPARE(p.at("predicted").get<std::string>(), classes.at(std::size_t(expected.predicted)));
        QVERIFY(std::abs(p.at("confidence").get<double>() - expected.confidence) < 1e-6);
        for (std::size_t c = 0; c < classes.size(); ++c)
            QVERIFY(std::abs(p.at("probabilities").at(classes[c]).get<double>() - expected.probabilities[c]) < 1e-6);
    }
    // A folder, a broken file among good ones: the good ones are predicted, the broken one named.
    // (A copy of the AD folder: the shared dataset stays as it was whatever happens here.)
    const fs::path folder = toPath(m_dir.path()) / "predict-folder";
    fs::remove_all(folder);
    fs::copy(m_dataset / "AD", folder, fs::copy_options::recursive);
    writeBytes(folder / "broken.png", "\x89PNG\r\n\x1a\n broken");
    const CliResult csv = runCli({"predict", str(model), str(folder), "--format", "csv"});
    QCOMPARE(csv.exitCode, 1);
    QVERIFY(csv.err.contains("broken.png"));
    QCOMPARE(csv.out.count('\n'), 12 + 1 + 1); // header, 12 AD slices, the broken file
    QCOMPARE(runCli({"predict", str(m_dataset / "metadata.csv"), str(images[0])}).exitCode, 2); // not a model
}

void CliTest::predictionsAreCalibratedAndChecked()
{
    QVERIFY2(trainedRun().exitCode == 0, trainedRun().err.constData());
    const fs::path model = m_run / "best.pt";
    cv::Mat noise(32, 32, CV_8UC1);
    cv::RNG(5).fill(noise, cv::RNG::UNIFORM, 0, 256);
    const fs::path noiseFile = toPath(m_dir.path()) / "noise.png";
    writeImage(noiseFile, noise);
    fs::path slice;
    for (const auto& entry : fs::recursive_directory_iterator(m_dataset / "CN"))
        if (slice.empty() && entry.path().extension() == ".png")
            slice = entry.path();

    const CliResult calibrated = runCli({"predict", str(model), str(slice), str(noiseFile), "--json", "--precision", "fp32"});
    QVERIFY2(calibrated.exitCode == 0, calibrated.err.constData());
    const nlohmann::json c = calibrated.json();
    QVERIFY(c.at("calibration").at("calibrated").get<bool>());
    const double temperature = c.at("calibration").at("temperature").get<double>();
    QVERIFY(c.at("outlier_check").get<bool>());
    QVERIFY(c.at("predictions").at(1).at("unlike_training").get<bool>()); // noise
    QVERIFY(c.at("predictions").at(1).at("outlier_score").get<double>() > c.at("predictions").at(0).at("outlier_score").get<double>());

    const CliResult raw = runCli({"predict", str(model), str(slice), "--json", "--precision", "fp32", "--no-calibration"});
    QVERIFY2(raw.exitCode == 0, raw.err.constData());
    const nlohmann::json r = raw.json();
    QVERIFY(!r.at("calibration").at("calibrated").get<bool>());
    QVERIFY(!r.at("predictions").at(0).at("calibrated").get<bool>());
    const nlohmann::json& pc = c.at("predictions").at(0).at("probabilities");
    const nlohmann::json& pr = r.at("predictions").at(0).at("probabilities");
    for (const char* name : {"MCI", "AD"}) // calibrated log-odds = raw log-odds / T
        QVERIFY(std::abs(std::log(pc.at(name).get<double>() / pc.at("CN").get<double>()) -
                         std::log(pr.at(name).get<double>() / pr.at("CN").get<double>()) / temperature) < 1e-5);

    const CliResult table = runCli({"predict", str(model), str(noiseFile)});
    QVERIFY(table.out.contains("UNLIKE TRAINING DATA") && table.out.contains("Probabilities: calibrated on"));
    const CliResult evaluate = runCli({"evaluate", str(model), str(m_run), "--json", "--bootstrap", "20"});
    QVERIFY2(evaluate.exitCode == 0, evaluate.err.constData());
    const nlohmann::json metrics = evaluate.json();
    QVERIFY(metrics.at("calibration").at("calibrated").get<bool>());
    QVERIFY(metrics.at("calibration").contains("slice_level_raw"));
    const CliResult uncalibrated = runCli({"evaluate", str(model), str(m_run), "--json", "--bootstrap", "0", "--no-calibration"});
    QVERIFY(!uncalibrated.json().at("calibration").at("calibrated").get<bool>());
}

void CliTest::interruptLeavesValidCheckpoints()
{
    const fs::path run = toPath(m_dir.path()) / "interrupted";
    QProcess process;
    process.start(QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR") + "/neurodx-cli",
                  {"train", str(m_dataset), "--output", str(run), "--image-size", "32", "--epochs", "500", "--no-early-stopping",
                   "--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--ratios", "0.5,0.25,0.25", "--batch-size", "4"});
    QVERIFY(process.waitForStarted());
    QByteArray err;
    while (!err.contains("Epoch 2/500") && process.state() == QProcess::Running) {
        process.waitForReadyRead(1000);
        err += process.readAllStandardError();
    }
    process.terminate(); // SIGTERM, handled like Ctrl-C
    QVERIFY(process.waitForFinished(60000));
    err += process.readAllStandardError();
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains("cancelled"), err.constData());
    const CliResult check = runCli({"predict", str(run / "best.pt"), str(m_dataset / "CN"), "--json"});
    QCOMPARE(check.exitCode, 0);
    QVERIFY(!fs::exists(run / "best.pt.part") && !fs::exists(run / "last.pt.part"));
}

QTEST_APPLESS_MAIN(CliTest)
#include "tst_cli.moc"
