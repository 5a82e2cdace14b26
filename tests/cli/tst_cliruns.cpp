// Where the CLI's runs go and how they are used again: without --output, train writes a new
// <time>-<model> folder in the runs root the GUI lists too; a run folder serves wherever a model
// file is expected; a model near chance is said to be one.
#include "CliProcess.h"
#include "TestTree.h"

#include "synthetic/PhantomGenerator.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <string>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

const QStringList kTinyTraining{"--model", "cnn", "--filters1", "4", "--filters2", "4", "--units", "8", "--image-size", "32",
                                "--batch-size", "8", "--ratios", "0.5,0.25,0.25", "--epochs", "1", "--quiet"};

std::vector<fs::path> foldersIn(const fs::path& root)
{
    std::vector<fs::path> folders;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec))
        folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    return folders;
}

} // namespace

class CliRunsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void runsWithoutOutputGoToTheSharedRoot();
    void aFailedStartLeavesNoFolderBehind();
    void aRunFolderServesAsItsModel_data();
    void aRunFolderServesAsItsModel();
    void aModelNearChanceIsSaidToBeOne();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    QProcessEnvironment environment() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("NEURODX_RUNS_DIR", str(dir() / "runs"));
        return environment;
    }
    QTemporaryDir m_dir;
    fs::path m_run; // the first run of runsWithoutOutputGoToTheSharedRoot
};

void CliRunsTest::initTestCase()
{
    QVERIFY(!QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR").isEmpty());
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 2;
    options.size = 32;
    writeSyntheticDataset(dir() / "data", options);
}

void CliRunsTest::runsWithoutOutputGoToTheSharedRoot()
{
    const QRegularExpression name("^20\\d{6}-\\d{6}-cnn(-\\d+)?$");
    for (int run = 0; run < 2; ++run) {
        const CliResult r = runCli(QStringList{"train", str(dir() / "data")} + kTinyTraining, environment());
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }
    const std::vector<fs::path> runs = foldersIn(dir() / "runs");
    QCOMPARE(runs.size(), std::size_t{2});
    for (const fs::path& run : runs) {
        QVERIFY2(name.match(QString::fromStdString(run.filename().string())).hasMatch(), run.c_str());
        QVERIFY(fs::exists(run / "config.json") && fs::exists(run / "best.pt"));
    }
    m_run = runs.front();
    // --output still wins.
    const CliResult chosen = runCli(QStringList{"train", str(dir() / "data"), "--output", str(dir() / "mine")} + kTinyTraining, environment());
    QVERIFY2(chosen.exitCode == 0, chosen.err.constData());
    QVERIFY(fs::exists(dir() / "mine" / "best.pt"));
    QCOMPARE(foldersIn(dir() / "runs").size(), std::size_t{2});
}

void CliRunsTest::aFailedStartLeavesNoFolderBehind()
{
    QProcessEnvironment env = environment();
    env.insert("NEURODX_RUNS_DIR", str(dir() / "failed-runs"));
    const CliResult r = runCli(QStringList{"train", str(dir() / "no-such-dataset")} + kTinyTraining, env);
    QCOMPARE(r.exitCode, 2); // unreadable input
    QVERIFY2(r.err.contains("no-such-dataset"), r.err.constData());
    QVERIFY(foldersIn(dir() / "failed-runs").empty());
}

void CliRunsTest::aRunFolderServesAsItsModel_data()
{
    QTest::addColumn<QString>("model"); // "run", "run/best.pt", "dataset" (not a run), "unfinished" (a run without best.pt)
    QTest::addColumn<int>("exitCode"); // 2: unreadable input (README)
    QTest::addColumn<QString>("message");
    QTest::newRow("the run folder") << "run" << 0 << "";
    QTest::newRow("its best.pt") << "run/best.pt" << 0 << "";
    QTest::newRow("a folder that is no run") << "dataset" << 2 << "a folder, not a model";
    QTest::newRow("a run without best.pt") << "unfinished" << 2 << "this run folder has no best.pt";
}

void CliRunsTest::aRunFolderServesAsItsModel()
{
    QFETCH(QString, model);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    if (m_run.empty())
        QSKIP("runsWithoutOutputGoToTheSharedRoot did not train");
    fs::create_directories(dir() / "unfinished");
    fs::copy_file(m_run / "config.json", dir() / "unfinished" / "config.json", fs::copy_options::overwrite_existing);
    const fs::path path = model == "run" ? m_run : model == "run/best.pt" ? m_run / "best.pt" : model == "dataset" ? dir() / "data" : dir() / "unfinished";
    fs::path image;
    for (const auto& entry : fs::recursive_directory_iterator(dir() / "data" / "AD"))
        if (image.empty() && entry.is_regular_file())
            image = entry.path();

    const CliResult r = runCli({"predict", str(path), str(image), "--json"}, environment());
    QCOMPARE(r.exitCode, exitCode);
    if (exitCode == 0) {
        QCOMPARE(r.json().at("predictions").size(), std::size_t{1});
        return;
    }
    QVERIFY2(r.err.contains(message.toUtf8()) && r.err.contains(path.filename().string().c_str()), r.err.constData());
    QVERIFY2(!r.err.contains("basic_filebuf") && !r.err.contains("Is a directory"), r.err.constData());
    const CliResult evaluate = runCli({"evaluate", str(path), str(dir() / "data"), "--bootstrap", "0"}, environment());
    QCOMPARE(evaluate.exitCode, exitCode);
    QVERIFY2(evaluate.err.contains(message.toUtf8()), evaluate.err.constData());
}

void CliRunsTest::aModelNearChanceIsSaidToBeOne()
{
    if (m_run.empty())
        QSKIP("runsWithoutOutputGoToTheSharedRoot did not train");
    // The model's validation accuracy is its only epoch's val_acc (history.csv's last column here).
    std::ifstream history(m_run / "history.csv");
    std::string header, row;
    std::getline(history, header);
    std::getline(history, row);
    const QStringList columns = QString::fromStdString(header).split(',');
    const QStringList values = QString::fromStdString(row).split(',');
    const int column = static_cast<int>(columns.indexOf("val_acc"));
    QVERIFY(column >= 0 && column < values.size());
    const double valAcc = values[column].toDouble();
    const bool weak = valAcc < 1.0 / 3.0 + 0.15;

    fs::path image;
    for (const auto& entry : fs::recursive_directory_iterator(dir() / "data" / "CN"))
        if (image.empty() && entry.is_regular_file())
            image = entry.path();
    const CliResult json = runCli({"predict", str(m_run), str(image), "--json"}, environment());
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const nlohmann::json warnings = json.json().at("model_warnings");
    QCOMPARE(warnings.size(), weak ? std::size_t{1} : std::size_t{0});
    const CliResult table = runCli({"predict", str(m_run), str(image)}, environment());
    QCOMPARE(table.out.contains("close to chance"), weak);
    const CliResult csv = runCli({"predict", str(m_run), str(image), "--format", "csv"}, environment());
    QCOMPARE(csv.err.contains("close to chance"), weak); // stdout holds only the CSV
    QVERIFY(!csv.out.contains("close to chance"));
}

QTEST_MAIN(CliRunsTest)
#include "tst_cliruns.moc"
