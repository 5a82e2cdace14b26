// A model trained on the synthetic phantoms, then calibrated (issue #17): the temperature and the
// description of its training data are stored in best.pt and read back; the description flags real
// MR slices from other sources (the brain scans Debian's nibabel ships as its test data) and noise
// images, and about 1% of phantom slices it never saw; calibrated probabilities are the raw logits
// divided by the stored temperature; a model file from before calibration still works, unflagged.
#include "TestTree.h"

#include "evaluation/Calibration.h"
#include "imaging/SliceLoader.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "synthetic/PhantomGenerator.h"
#include "training/TrainingJob.h"
#include "volume/ScanFinder.h"
#include "volume/VolumeSlicing.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <optional>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

class ModelCalibrationTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void modelFileHoldsTemperatureAndDescription();
    void heldOutPhantomsAreRarelyFlagged();
    void otherImagesAreFlagged_data();
    void otherImagesAreFlagged();
    void calibratedIsRawOverTemperature();
    void oldModelFilesStillPredict();
    void metricsCompareCalibratedAndRaw();

private:
    double flaggedShare(const std::vector<Slice>& slices);
    QTemporaryDir m_dir;
    fs::path m_model;
    fs::path m_nibabelData;
    std::optional<Predictor> m_predictor;
};

void ModelCalibrationTest::initTestCase()
{
    const fs::path root = toPath(m_dir.path());
    PhantomOptions options;
    options.subjectsPerClass = 20; // 600 slices: ~60 validation slices set the threshold
    options.slicesPerSubject = 10;
    options.size = 48;
    options.difficulty = 0.3;
    writeSyntheticDataset(root / "phantoms", options);
    TrainingJobConfig job;
    job.dataset = root / "phantoms";
    job.runFolder = root / "run";
    job.training.model.architecture = neurodx::Architecture::Cnn;
    job.training.model.filters1 = 8;
    job.training.model.filters2 = 16;
    job.training.model.hiddenUnits = 16;
    job.training.input.size = job.training.model.imageSize = 48;
    job.training.epochs = 6;
    job.training.batchSize = 16;
    job.training.threads = 2;
    job.training.earlyStopping.enabled = false;
    job.bootstrapResamples = 100;
    TrainingControl control;
    const TrainingJobResult result = runTrainingJob(job, control);
    QVERIFY(result.tested);
    m_model = root / "run" / "best.pt";
    m_predictor.emplace(Predictor::fromFile(m_model, InferencePrecision::Float32));

    QProcess python;
    python.start("/usr/bin/python3", {"-c", "import nibabel.tests, os; print(os.path.join(os.path.dirname(nibabel.tests.__file__), 'data'))"});
    QVERIFY(python.waitForFinished(60000));
    m_nibabelData = toPath(QString::fromUtf8(python.readAllStandardOutput()).trimmed());
    QVERIFY2(fs::exists(m_nibabelData / "0.dcm"), "python3-nibabel's test data is missing: run scripts/bootstrap.sh");
}

// The share of `slices` flagged as unlike the training data; -1 when a prediction has no score.
double ModelCalibrationTest::flaggedShare(const std::vector<Slice>& slices)
{
    std::size_t flagged = 0;
    for (const Slice& slice : slices) {
        const Prediction p = m_predictor->predict(slice);
        if (!p.outlierScore)
            return -1;
        flagged += p.unlikeTraining ? 1 : 0;
    }
    return slices.empty() ? -1 : static_cast<double>(flagged) / static_cast<double>(slices.size());
}

void ModelCalibrationTest::modelFileHoldsTemperatureAndDescription()
{
    const ModelBundle bundle = loadModelFile(m_model);
    const nlohmann::json& calibration = bundle.metadata.at("calibration");
    QVERIFY(calibration.at("temperature").get<double>() > 0.05 && calibration.at("temperature").get<double>() < 20);
    QVERIFY(calibration.at("validation_slices").get<int>() >= 40);
    QVERIFY(calibration.at("nll_after").get<double>() <= calibration.at("nll_before").get<double>() + 1e-12);
    QVERIFY(m_predictor->isCalibrated());
    QVERIFY(m_predictor->hasFeatureDensity());
    QCOMPARE(m_predictor->featureDensity().featureCount(), std::size_t(16)); // the last block's 16 filters
    QCOMPARE(m_predictor->featureDensity().thresholdSlices, std::size_t(calibration.at("validation_slices").get<int>()));
    QVERIFY(QString::fromStdString(m_predictor->calibration().describe()).startsWith("calibrated on"));
}

void ModelCalibrationTest::heldOutPhantomsAreRarelyFlagged()
{
    PhantomOptions options;
    options.subjectsPerClass = 10;
    options.slicesPerSubject = 10;
    options.size = 48;
    options.difficulty = 0.3;
    options.seed = 4242; // other subjects than training's
    const fs::path heldOut = toPath(m_dir.path()) / "held-out";
    writeSyntheticDataset(heldOut, options);
    std::vector<Slice> slices;
    for (const auto& entry : fs::recursive_directory_iterator(heldOut))
        if (entry.path().extension() == ".png")
            slices.push_back(loadSlice(entry.path()));
    QCOMPARE(slices.size(), std::size_t(300));
    const double share = flaggedShare(slices);
    qInfo("held-out phantom slices flagged: %.1f%%", share * 100);
    QVERIFY2(share >= 0 && share <= 0.05, qPrintable(QString::number(share)));
}

void ModelCalibrationTest::otherImagesAreFlagged_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("real MR slices (nibabel's DICOM files)") << "dicom";
    QTest::newRow("a real T1 brain (nibabel's anatomical.nii), axial slices") << "anatomical";
    QTest::newRow("real EPI brain (nibabel's example4d.nii.gz), axial slices") << "epi";
    QTest::newRow("uniform noise") << "noise";
}

void ModelCalibrationTest::otherImagesAreFlagged()
{
    QFETCH(QString, kind);
    std::vector<Slice> slices;
    if (kind == "dicom") {
        slices = {loadSlice(m_nibabelData / "0.dcm"), loadSlice(m_nibabelData / "1.dcm")};
    } else if (kind == "noise") {
        for (int seed = 0; seed < 10; ++seed) {
            cv::Mat noise(48, 48, CV_8UC1);
            cv::RNG(static_cast<std::uint64_t>(seed) + 1).fill(noise, cv::RNG::UNIFORM, 0, 256);
            const fs::path file = toPath(m_dir.path()) / "noise" / ("noise" + std::to_string(seed) + ".png");
            writeImage(file, noise);
            slices.push_back(loadSlice(file));
        }
    } else {
        const Volume volume = openScan(m_nibabelData / (kind == "anatomical" ? "anatomical.nii" : "example4d.nii.gz"));
        const int count = sliceCount(volume, SlicePlane::Axial);
        for (int index = count / 4; index < 3 * count / 4; ++index)
            slices.push_back(volumeSlice(volume, SlicePlane::Axial, index));
    }
    QVERIFY(!slices.empty());
    const double share = flaggedShare(slices);
    qInfo("%s: %zu slices, %.0f%% flagged", qPrintable(kind), slices.size(), share * 100);
    QVERIFY2(share >= 0.9, qPrintable(QString::number(share)));
}

void ModelCalibrationTest::calibratedIsRawOverTemperature()
{
    fs::path file;
    for (const auto& entry : fs::recursive_directory_iterator(toPath(m_dir.path()) / "phantoms" / "AD"))
        if (file.empty() && entry.path().extension() == ".png")
            file = entry.path();
    const Slice slice = loadSlice(file);
    Predictor raw = Predictor::fromFile(m_model, InferencePrecision::Float32);
    raw.setCalibrated(false);
    const Prediction scaled = m_predictor->predict(slice);
    const Prediction unscaled = raw.predict(slice);
    QVERIFY(scaled.calibrated && !unscaled.calibrated);
    QCOMPARE(scaled.predicted, unscaled.predicted);
    const double t = m_predictor->calibration().temperature;
    QVERIFY2(std::abs(t - 1.0) > 1e-3, qPrintable(QString::number(t))); // else the comparison proves nothing
    // log(p_i / p_j) of the calibrated softmax is that of the raw softmax divided by T.
    for (std::size_t c = 1; c < 3; ++c) {
        const double scaledRatio = std::log(scaled.probabilities[c] / scaled.probabilities[0]);
        const double rawRatio = std::log(unscaled.probabilities[c] / unscaled.probabilities[0]);
        QVERIFY2(std::abs(scaledRatio - rawRatio / t) < 1e-6, qPrintable(QString("%1 vs %2 / %3").arg(scaledRatio).arg(rawRatio).arg(t)));
    }
}

void ModelCalibrationTest::oldModelFilesStillPredict()
{
    ModelBundle bundle = loadModelFile(m_model);
    bundle.metadata.erase("calibration");
    bundle.metadata.erase("feature_density");
    const fs::path old = toPath(m_dir.path()) / "old.pt";
    saveModelFile(old, *bundle.model, bundle.metadata);
    Predictor predictor = Predictor::fromFile(old, InferencePrecision::Float32);
    QVERIFY(!predictor.isCalibrated() && !predictor.hasFeatureDensity());
    QCOMPARE(predictor.calibration().temperature, 1.0);
    QCOMPARE(QString::fromStdString(predictor.calibration().describe()), QStringLiteral("not calibrated (raw softmax)"));
    const Prediction p = predictor.predict(loadSlice(m_nibabelData / "0.dcm"));
    QVERIFY(!p.calibrated && !p.outlierScore && !p.unlikeTraining);
    QCOMPARE(int(p.probabilities.size()), 3);

    // A damaged description costs the check, not the prediction.
    bundle.metadata["feature_density"] = {{"center", {1, 2}}, {"basis", nlohmann::json::array()}, {"class_means", nlohmann::json::array()},
                                          {"precision", {1}}, {"threshold", 1}};
    saveModelFile(old, *bundle.model, bundle.metadata);
    QVERIFY(!Predictor::fromFile(old).hasFeatureDensity());
}

void ModelCalibrationTest::metricsCompareCalibratedAndRaw()
{
    std::ifstream in(m_model.parent_path() / "metrics.json");
    const nlohmann::json metrics = nlohmann::json::parse(in);
    const nlohmann::json& calibration = metrics.at("calibration");
    QVERIFY(calibration.at("calibrated").get<bool>());
    QCOMPARE(calibration.at("temperature").get<double>(), m_predictor->calibration().temperature);
    for (const char* level : {"slice_level", "slice_level_raw", "subject_level", "subject_level_raw"}) {
        QVERIFY2(calibration.contains(level), level);
        QCOMPARE(calibration.at(level).at("bins").size(), std::size_t(15));
        QVERIFY(calibration.at(level).contains("ece_ci"));
    }
    QCOMPARE(calibration.at("slice_level").at("count"), metrics.at("slice_level").at("count"));

    // The test figures are those of the calibrated probabilities predictions.csv holds, not the raw ones.
    std::ifstream csv(m_model.parent_path() / "predictions.csv");
    std::vector<int> labels;
    std::vector<std::vector<double>> probabilities;
    const std::vector<std::string> classes{"CN", "MCI", "AD"};
    std::string line;
    std::getline(csv, line); // path,subject,true,predicted,confidence,p_CN,p_MCI,p_AD
    while (std::getline(csv, line)) {
        std::vector<std::string> cells;
        std::stringstream row(line);
        for (std::string cell; std::getline(row, cell, ',');)
            cells.push_back(cell);
        labels.push_back(int(std::find(classes.begin(), classes.end(), cells.at(2)) - classes.begin()));
        probabilities.push_back({std::stod(cells.at(5)), std::stod(cells.at(6)), std::stod(cells.at(7))});
    }
    const CalibrationMetrics recomputed = calibrationMetrics(labels, probabilities);
    QVERIFY(std::abs(recomputed.brier - calibration.at("slice_level").at("brier").get<double>()) < 1e-6);
    QVERIFY(std::abs(recomputed.brier - calibration.at("slice_level_raw").at("brier").get<double>()) > 1e-6);
}

QTEST_APPLESS_MAIN(ModelCalibrationTest)
#include "tst_modelcalibration.moc"
