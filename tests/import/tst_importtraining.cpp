// The point of importing: an IDA-like download becomes a dataset that trains. The model then knows
// which slices it was trained on, and predicts a whole held-out scan on the same slices with a
// verdict that is the mean of its slices' probabilities.
#include "common/NeuroDxError.h"
#include "import/ScanImport.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "inference/ScanPrediction.h"
#include "synthetic/AdniDownload.h"
#include "training/TrainingControl.h"
#include "training/TrainingJob.h"

#include "TestTree.h"

#include <QTemporaryDir>
#include <QtTest>

#include <set>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class ImportTrainingTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void trainsWellAboveChanceOnHeldOutSubjects();
    void modelFileRemembersTheSlices();
    void scanVerdictIsTheMeanOfItsSlices();
    void aModelWithoutSliceRecordSaysSo();

private:
    fs::path dir() const { return toPath(m_dir.path()); }
    QTemporaryDir m_dir;
    AdniDownloadSummary m_download;
    TrainingJobResult m_run;
};

void ImportTrainingTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    AdniDownloadOptions download;
    download.subjectsPerClass = 10;
    download.smcSubjects = 0;
    download.visits = 1;
    download.inPlaneVoxels = 48;
    download.slices = 40;
    download.difficulty = 0.1;
    download.niftiFraction = 0.3;
    m_download = writeSyntheticAdniDownload(dir() / "download", download);

    ImportOptions options;
    options.source = m_download.root;
    options.output = dir() / "dataset";
    options.metadataCsv = m_download.csvPath;
    options.slices = SliceSelection::parse(SlicePlane::Axial, "central:10");
    const ImportResult imported = runImport(planImport(options));
    QVERIFY(imported.failures.empty());
    QCOMPARE(imported.scansImported, std::size_t{30});

    TrainingJobConfig job;
    job.dataset = options.output;
    job.runFolder = dir() / "run";
    job.training.model.architecture = neurodx::Architecture::Cnn;
    job.training.model.filters1 = 8;
    job.training.model.filters2 = 8;
    job.training.model.hiddenUnits = 16;
    job.training.input.size = 32;
    job.training.model.imageSize = 32;
    job.training.epochs = 15;
    job.training.batchSize = 16;
    job.training.threads = 2; // the same history on every machine (results depend on the thread count)
    job.training.earlyStopping.enabled = false;
    job.training.split.ratios = {0.6, 0.2, 0.2};
    job.bootstrapResamples = 0;
    TrainingControl control;
    m_run = runTrainingJob(job, control);
    QVERIFY(m_run.tested);
}

void ImportTrainingTest::trainsWellAboveChanceOnHeldOutSubjects()
{
    // 6 held-out subjects (2 per class), 10 slices each; chance is 1/3.
    const ClassificationMetrics& subjects = m_run.test.subjects;
    qInfo("test accuracy: slices %.3f (%zu), subjects %.3f (%zu)", m_run.test.slices.accuracy, m_run.test.slices.count, subjects.accuracy,
          subjects.count);
    QCOMPARE(subjects.count, std::size_t{6});
    QVERIFY2(m_run.test.slices.accuracy >= 0.6, qPrintable(QString::number(m_run.test.slices.accuracy)));
}

void ImportTrainingTest::modelFileRemembersTheSlices()
{
    const ModelBundle bundle = loadModelFile(m_run.runFolder / "best.pt");
    const std::optional<SliceSelection> stored = modelSliceSelection(bundle.metadata);
    QVERIFY(stored.has_value());
    QCOMPARE(stored->ruleText(), std::string("central:10"));
    QCOMPARE(stored->plane, SlicePlane::Axial);
}

void ImportTrainingTest::scanVerdictIsTheMeanOfItsSlices()
{
    Predictor predictor = Predictor::fromFile(m_run.runFolder / "best.pt", InferencePrecision::Float32);
    const AdniScan& scan = m_download.scans.back();
    const Volume volume = openScan(scan.path);
    const ScanPrediction verdict = predictScan(predictor, volume);
    QVERIFY(verdict.selectionFromModel);
    QCOMPARE(verdict.slices.size(), std::size_t{10});
    // Recomputed slice by slice, independently of predictScan's batching.
    const std::vector<int> indices = selectSlices(volume, verdict.selection);
    std::vector<double> mean(verdict.classNames.size(), 0.0);
    for (std::size_t n = 0; n < indices.size(); ++n) {
        QCOMPARE(verdict.slices[n].index, indices[n]);
        const Prediction p = predictor.predict(volumeSlice(volume, SlicePlane::Axial, indices[n]));
        for (std::size_t c = 0; c < mean.size(); ++c) {
            QVERIFY(std::abs(p.probabilities[c] - verdict.slices[n].probabilities[c]) < 1e-5);
            mean[c] += p.probabilities[c] / static_cast<double>(indices.size());
        }
    }
    for (std::size_t c = 0; c < mean.size(); ++c)
        QVERIFY(std::abs(mean[c] - verdict.probabilities[c]) < 1e-5);
    QCOMPARE(verdict.predicted, static_cast<int>(std::max_element(mean.begin(), mean.end()) - mean.begin()));
    std::size_t agreeing = 0;
    for (const ScanSliceProbabilities& s : verdict.slices)
        agreeing += s.predicted == verdict.predicted;
    QCOMPARE(verdict.agreement, static_cast<double>(agreeing) / 10.0);
}

void ImportTrainingTest::aModelWithoutSliceRecordSaysSo()
{
    ModelBundle bundle = loadModelFile(m_run.runFolder / "best.pt");
    bundle.metadata["dataset"].erase("slices");
    Predictor predictor(std::move(bundle), InferencePrecision::Float32);
    const ScanPrediction verdict = predictScan(predictor, openScan(m_download.scans.front().path));
    QVERIFY(!verdict.selectionFromModel);
    QCOMPARE(verdict.slices.size(), static_cast<std::size_t>(SliceSelection{}.count));
    QVERIFY(std::any_of(verdict.warnings.begin(), verdict.warnings.end(),
                        [](const std::string& w) { return w.find("does not record which slices") != std::string::npos; }));
}

QTEST_GUILESS_MAIN(ImportTrainingTest)
#include "tst_importtraining.moc"
