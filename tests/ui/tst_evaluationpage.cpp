// The evaluation page shows exactly what the engine computed: matrix cells, metrics, ROC, the
// misclassified gallery; the matrix view itself is checked on known matrices.
#include "IsolatedSettings.h"
#include "ReliabilityPlot.h"
#include "RunsLocation.h"
#include "ConfusionMatrixView.h"
#include "EvaluationPage.h"
#include "MetricsTable.h"
#include "PlotExport.h"
#include "RocPlot.h"
#include "ThumbnailGrid.h"
#include "TinyTraining.h"

#include "evaluation/RunFolder.h"
#include "inference/ModelEvaluation.h"
#include "training/TrainingJob.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

#include <fstream>

using namespace neurodx;
using namespace neurodx::ui;
using namespace neurodx::test;

using Matrix = std::vector<std::vector<std::size_t>>;
Q_DECLARE_METATYPE(Matrix)

class EvaluationPageTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void matrixCellsShowCountsAndShares_data();
    void matrixCellsShowCountsAndShares();
    void runShowsItsStoredTestResults();
    void evaluatesAnotherPartInAWorker();
    void evaluatesAKerasFileOnADataset();
    void subjectLevelSwitch();
    void damagedRunIsAMessage();
    void exportsPngAndPdf();
    void reliabilityDiagramShowsTheCalibration();

private:
    QTemporaryDir m_dir;
    std::optional<IsolatedSettings> m_settings; // per test function (init, cleanup)
    std::filesystem::path m_run;
};

void EvaluationPageTest::initTestCase()
{
    const std::filesystem::path root(m_dir.path().toStdString());
    writeTinyDataset(root / "dataset");
    TrainingJobConfig job;
    job.dataset = root / "dataset";
    job.runFolder = m_run = root / "run";
    job.training = tinyTrainingConfig(2);
    job.bootstrapResamples = 100;
    TrainingControl control;
    QVERIFY(runTrainingJob(job, control).tested);
}

void EvaluationPageTest::init()
{
    m_settings.emplace();
    setRunsRoot(QDir(m_settings->folder()).filePath(QStringLiteral("runs")));
}

void EvaluationPageTest::cleanup()
{
    m_settings.reset();
}

void EvaluationPageTest::matrixCellsShowCountsAndShares_data()
{
    QTest::addColumn<Matrix>("matrix");
    QTest::newRow("perfect") << Matrix{{5, 0, 0}, {0, 3, 0}, {0, 0, 7}};
    QTest::newRow("mixed") << Matrix{{4, 1, 0}, {2, 2, 2}, {0, 3, 9}};
    QTest::newRow("empty row") << Matrix{{0, 0, 0}, {1, 1, 0}, {0, 0, 2}};
    QTest::newRow("two classes") << Matrix{{10, 30}, {1, 99}};
}

void EvaluationPageTest::matrixCellsShowCountsAndShares()
{
    QFETCH(Matrix, matrix);
    ConfusionMatrixView view;
    QStringList names;
    for (std::size_t c = 0; c < matrix.size(); ++c)
        names << QStringLiteral("C%1").arg(c);
    view.setMatrix(matrix, names);
    for (std::size_t t = 0; t < matrix.size(); ++t) {
        double rowTotal = 0;
        for (std::size_t v : matrix[t])
            rowTotal += double(v);
        for (std::size_t p = 0; p < matrix.size(); ++p) {
            const double share = rowTotal > 0 ? double(matrix[t][p]) / rowTotal : 0.0;
            QCOMPARE(view.count(int(t), int(p)), matrix[t][p]);
            QVERIFY(std::abs(view.cellColourValue(int(t), int(p)) - share) < 1e-9);
            QVERIFY(view.cellText(int(t), int(p)).startsWith(QString::number(matrix[t][p]) + "\n"));
        }
    }
    view.setNormalised(true);
    QVERIFY(view.cellText(0, 0).contains("%\n("));
}

void EvaluationPageTest::runShowsItsStoredTestResults()
{
    EvaluationPage page;
    page.show();
    const auto run = std::make_shared<const RunRecord>(readRunFolder(m_run));
    QSignalSpy shown(&page, &EvaluationPage::evaluationShown);
    page.showRun(run);
    QCOMPARE(shown.count(), 1);
    const ClassificationMetrics& m = run->test->report.slices;
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(page.matrix()->count(t, p), m.confusion[std::size_t(t)][std::size_t(p)]);
    QVERIFY(page.metrics()->summaryText().contains(QString::number(m.accuracy, 'f', 3)));
    QCOMPARE(page.metrics()->table()->rowCount(), 3);
    QCOMPARE(page.gallery()->itemCount(), int(run->test->misclassified().size()));
    QVERIFY(page.roc()->curveCount() >= 1);
}

void EvaluationPageTest::evaluatesAnotherPartInAWorker()
{
    EvaluationPage page;
    page.showRun(std::make_shared<const RunRecord>(readRunFolder(m_run)));
    QSignalSpy shown(&page, &EvaluationPage::evaluationShown);
    page.evaluate(QString::fromStdString(m_run.string()), "last.pt", "validation");
    QVERIFY(page.isEvaluating());
    QVERIFY(shown.wait(60000));
    ModelEvaluationRequest request;
    request.modelFile = m_run / "last.pt";
    request.target = m_run;
    request.part = "validation";
    const ModelEvaluationResult expected = evaluateModel(request);
    QCOMPARE(page.evaluation()->part, std::string("validation"));
    QCOMPARE(page.evaluation()->size(), expected.slices.size());
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(page.matrix()->count(t, p), expected.slices.report.slices.confusion[std::size_t(t)][std::size_t(p)]);
    QCOMPARE(page.gallery()->itemCount(), int(expected.slices.misclassified().size()));
}

void EvaluationPageTest::evaluatesAKerasFileOnADataset()
{
    // The notebook's vanilla CNN at 32x32, written in Keras' .h5 layout by h5py (tests/interop).
    const QString keras = m_dir.filePath("keras");
    QProcess writer;
    writer.start("/usr/bin/python3", {qEnvironmentVariable("NEURODX_INTEROP_DIR") + "/keras_files.py", keras, "vanilla32"});
    QVERIFY(writer.waitForFinished(120000));
    QVERIFY2(writer.exitCode() == 0, writer.readAllStandardError().constData());
    const QString model = keras + "/vanilla32.h5";
    const QString dataset = m_dir.filePath("dataset");

    EvaluationPage page;
    QSignalSpy shown(&page, &EvaluationPage::evaluationShown);
    page.evaluateModelFile(model, dataset);
    QVERIFY(page.isEvaluating());
    QVERIFY(shown.wait(60000));
    ModelEvaluationRequest request;
    request.modelFile = model.toStdString();
    request.target = dataset.toStdString();
    const ModelEvaluationResult expected = evaluateModel(request);
    QCOMPARE(page.evaluation()->size(), expected.slices.size());
    QCOMPARE(page.evaluation()->size(), std::size_t(36)); // the whole dataset
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            QCOMPARE(page.matrix()->count(t, p), expected.slices.report.slices.confusion[std::size_t(t)][std::size_t(p)]);

    QSignalSpy failed(&page, &EvaluationPage::evaluationFailed);
    page.evaluateModelFile(keras + "/manifest.json", dataset); // not a model
    QVERIFY(failed.wait(60000));
    QVERIFY2(failed.first().first().toString().contains("manifest.json"), qPrintable(failed.first().first().toString()));
}

void EvaluationPageTest::subjectLevelSwitch()
{
    EvaluationPage page;
    const auto run = std::make_shared<const RunRecord>(readRunFolder(m_run));
    page.showRun(run);
    page.setSubjectLevel(true);
    const auto& subjects = run->test->report.subjects.confusion;
    std::size_t total = 0;
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p) {
            QCOMPARE(page.matrix()->count(t, p), subjects[std::size_t(t)][std::size_t(p)]);
            total += subjects[std::size_t(t)][std::size_t(p)];
        }
    QCOMPARE(total, run->test->report.subjects.count);
    QVERIFY(page.metrics()->summaryText().contains("Subject level"));
}

void EvaluationPageTest::damagedRunIsAMessage()
{
    QTemporaryDir copy;
    const std::filesystem::path run(copy.path().toStdString());
    std::filesystem::copy(m_run, run, std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    { std::ofstream(run / "best.pt", std::ios::trunc) << "not a model"; }
    EvaluationPage page;
    QSignalSpy failed(&page, &EvaluationPage::evaluationFailed);
    page.evaluate(QString::fromStdString(run.string()), "best.pt", "test");
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.first().first().toString().contains("best.pt"));
    QVERIFY(!page.isEvaluating());
}

void EvaluationPageTest::exportsPngAndPdf()
{
    EvaluationPage page;
    page.resize(1000, 700);
    page.showRun(std::make_shared<const RunRecord>(readRunFolder(m_run)));
    QTemporaryDir out;
    QString error;
    QVERIFY2(exportWidgetImage(page.matrix(), out.filePath("m.png"), &error), qPrintable(error));
    QVERIFY2(exportWidgetImage(page.roc(), out.filePath("roc.pdf"), &error), qPrintable(error));
    QVERIFY(!QImage(out.filePath("m.png")).isNull());
    QFile pdf(out.filePath("roc.pdf"));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.read(5) == "%PDF-");
    QVERIFY(pdf.size() > 1000);
}

void EvaluationPageTest::reliabilityDiagramShowsTheCalibration()
{
    EvaluationPage page;
    page.resize(1000, 700);
    page.show();
    const auto run = std::make_shared<const RunRecord>(readRunFolder(m_run, 50));
    const EvaluationReport& report = run->test->report;
    QVERIFY(report.calibrationSlices > 0); // training calibrated best.pt; metrics.json holds the raw figures
    QVERIFY(report.rawSliceCalibration.has_value());
    page.showRun(run);
    const auto filled = [](const CalibrationMetrics& m) {
        return int(std::count_if(m.bins.begin(), m.bins.end(), [](const ReliabilityBin& b) { return b.count > 0; }));
    };
    QCOMPARE(page.reliability()->barCount(), filled(report.sliceCalibration));
    QVERIFY(page.reliability()->showsRaw());
    const QString text = page.calibrationText();
    QVERIFY2(text.contains(QString::number(report.temperature, 'f', 2)) && text.contains(QString::number(report.sliceCalibration.ece, 'f', 3)) &&
                 text.contains(QString::number(report.rawSliceCalibration->ece, 'f', 3)),
             qPrintable(text));
    page.setSubjectLevel(true);
    QCOMPARE(page.reliability()->barCount(), filled(report.subjectCalibration));
    QVERIFY(page.calibrationText().contains(QString::number(report.subjectCalibration.brier, 'f', 3)));
    QTemporaryDir out;
    QString error;
    QVERIFY2(exportWidgetImage(page.reliability(), out.filePath("reliability.png"), &error), qPrintable(error));
    QVERIFY(!QImage(out.filePath("reliability.png")).isNull());
    QTest::qWait(300); // queued replots and thumbnails, for the picture
    QVERIFY(page.grab().save(QDir(QCoreApplication::applicationDirPath()).filePath("screenshots/page-evaluation-calibration.png")));
}

QTEST_MAIN(EvaluationPageTest)
#include "tst_evaluationpage.moc"
