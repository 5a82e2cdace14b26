// neurodx-cli with Keras .h5 files: import-model, predict and evaluate on .h5, train --weights .h5.
// The files are written by tests/interop/keras_files.py in Keras' exact layout.
#include "CliProcess.h"
#include "TestTree.h"

#include "inference/ModelFile.h"
#include "synthetic/PhantomGenerator.h"

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

QString str(const fs::path& p) { return QString::fromStdString(p.string()); }

std::vector<double> readDoubles(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::vector<double> values;
    for (double v; in.read(reinterpret_cast<char*>(&v), sizeof v);)
        values.push_back(v);
    return values;
}

} // namespace

class CliKerasTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void importModelWritesANeuroDxModel();
    void importModelTakesClassNames();
    void predictTakesH5LikeKeras();
    void evaluateTakesH5();
    void brokenFilesAreNamed_data();
    void brokenFilesAreNamed();
    void trainStartsFromKerasWeights_data();
    void trainStartsFromKerasWeights();

private:
    fs::path path(const std::string& name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
    std::vector<fs::path> m_pngs; // the grey reference inputs of vanilla32.h5, as 8-bit PNGs
};

void CliKerasTest::initTestCase()
{
    QVERIFY(!QProcessEnvironment::systemEnvironment().value("NEURODX_BIN_DIR").isEmpty());
    const QString scripts = QProcessEnvironment::systemEnvironment().value("NEURODX_INTEROP_DIR");
    QVERIFY2(!scripts.isEmpty(), "NEURODX_INTEROP_DIR is set by CTest");
    QProcess python;
    python.start("/usr/bin/python3", {scripts + "/keras_files.py", str(path("keras")), "resnet", "broken"});
    QVERIFY(python.waitForFinished(600000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());

    // vanilla32.grey.in.f32: 2 x 32 x 32 x 3 grey pixel values (the three channels equal).
    std::ifstream in(path("keras/vanilla32.grey.in.f32"), std::ios::binary);
    std::vector<float> pixels(2 * 32 * 32 * 3);
    QVERIFY(in.read(reinterpret_cast<char*>(pixels.data()), static_cast<std::streamsize>(pixels.size() * sizeof(float))));
    for (int n = 0; n < 2; ++n) {
        cv::Mat image(32, 32, CV_8UC1);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x)
                image.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(pixels[static_cast<std::size_t>(((n * 32 + y) * 32 + x) * 3)]);
        m_pngs.push_back(path("slices/slice" + std::to_string(n) + ".png"));
        writeImage(m_pngs.back(), image);
    }
    PhantomOptions options;
    options.subjectsPerClass = 4;
    options.slicesPerSubject = 3;
    options.size = 32;
    writeSyntheticDataset(path("data"), options);
}

void CliKerasTest::importModelWritesANeuroDxModel()
{
    const CliResult text = runCli({"import-model", str(path("keras/vanilla32.h5")), "--output", str(path("vanilla32.pt"))});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    for (const char* words : {"Keras whole model", "Keras 2.9.0, tensorflow", "NeuroDx model: vanilla CNN (Conv 32 - Pool - Conv 64 - Pool - Dense 64 - Dense 3)",
                              "input: 3 x 32 x 32", "classes: CN, MCI, AD", "note: Keras files do not store class names", "Wrote"})
        QVERIFY2(text.out.contains(words), text.out.constData());
    const ModelBundle bundle = loadModelFile(path("vanilla32.pt"));
    const nlohmann::json& from = bundle.metadata.at("imported_from");
    QCOMPARE(from.at("file").get<std::string>(), std::string("vanilla32.h5"));
    QCOMPARE(from.at("keras_version").get<std::string>(), std::string("2.9.0"));
    QCOMPARE(from.at("backend").get<std::string>(), std::string("tensorflow"));

    const CliResult json = runCli({"import-model", str(path("keras/vanilla32.h5")), "--output", str(path("vanilla32b.pt")), "--json"});
    QCOMPARE(json.exitCode, 0);
    const nlohmann::json j = json.json();
    QCOMPARE(j.at("architecture").at("name").get<std::string>(), std::string("vanilla"));
    QCOMPARE(j.at("parameters").get<std::int64_t>(), std::int64_t{(3 * 9 * 32 + 32) + (32 * 9 * 64 + 64) + (64 * 8 * 8 * 64 + 64) + (64 * 3 + 3)});
    QCOMPARE(j.at("input").at("size").get<int>(), 32);
}

void CliKerasTest::importModelTakesClassNames()
{
    const CliResult named = runCli({"import-model", str(path("keras/vanilla32.h5")), "--output", str(path("named.pt")), "--classes", "NC,MCI,AD", "--json"});
    QVERIFY2(named.exitCode == 0, named.err.constData());
    QCOMPARE(named.json().at("class_names").get<std::vector<std::string>>(), (std::vector<std::string>{"NC", "MCI", "AD"}));
    const CliResult wrong = runCli({"import-model", str(path("keras/vanilla32.h5")), "--output", str(path("wrong.pt")), "--classes", "CN,AD"});
    QCOMPARE(wrong.exitCode, 2);
    QVERIFY2(wrong.err.contains("vanilla32.h5") && wrong.err.contains("names 2 classes"), wrong.err.constData());
    QVERIFY(!fs::exists(path("wrong.pt")));
}

void CliKerasTest::predictTakesH5LikeKeras()
{
    const std::vector<double> expected = readDoubles(path("keras/vanilla32.grey.probs.f64")); // what Keras gives, 2 x 3
    QCOMPARE(expected.size(), std::size_t{6});
    for (const fs::path& model : {path("keras/vanilla32.h5"), path("vanilla32.pt")}) {
        if (!fs::exists(model))
            QSKIP("import-model's output is made by importModelWritesANeuroDxModel");
        const CliResult r = runCli({"predict", str(model), str(m_pngs[0]), str(m_pngs[1]), "--format", "json", "--precision", "fp32"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const nlohmann::json predictions = r.json().at("predictions");
        QCOMPARE(predictions.size(), std::size_t{2});
        double worst = 0;
        const char* classes[] = {"CN", "MCI", "AD"};
        for (std::size_t n = 0; n < 2; ++n)
            for (std::size_t c = 0; c < 3; ++c)
                worst = std::max(worst, std::abs(predictions[n].at("probabilities").at(classes[c]).get<double>() - expected[n * 3 + c]));
        qInfo("predict %s on 8-bit PNGs: max |p - p_keras| = %.3g", model.filename().string().c_str(), worst);
        QVERIFY(worst < 1e-5);
    }
}

void CliKerasTest::evaluateTakesH5()
{
    const CliResult r = runCli({"evaluate", str(path("keras/vanilla32.h5")), str(path("data")), "--json", "--bootstrap", "0", "--precision", "fp32"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.json().contains("accuracy") || r.out.contains("accuracy"));
}

void CliKerasTest::brokenFilesAreNamed_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("words");
    QTest::newRow("import-model, not HDF5") << "import-model" << "not_hdf5.h5" << "not an HDF5 file";
    QTest::newRow("import-model, plain HDF5") << "import-model" << "plain.h5" << "not a Keras model or weight file";
    QTest::newRow("predict, truncated") << "predict" << "truncated.h5" << "damaged or truncated";
    QTest::newRow("predict, unsupported layer") << "predict" << "batchnorm_cnn.h5" << "has no counterpart in NeuroDx";
    QTest::newRow("import-model, backbone only") << "import-model" << "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5" << "--freeze-backbone";
}

void CliKerasTest::brokenFilesAreNamed()
{
    QFETCH(QString, command);
    QFETCH(QString, file);
    QFETCH(QString, words);
    QStringList args{command, str(path("keras") / file.toStdString())};
    if (command == "predict")
        args << str(m_pngs[0]);
    else
        args << "--output" << str(path("refused.pt"));
    const CliResult r = runCli(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(file.toUtf8()) && r.err.contains(words.toUtf8()), r.err.constData());
    QVERIFY2(!r.err.contains("HDF5-DIAG") && !r.err.contains("#000:"), r.err.constData()); // no library error stack
    QVERIFY(!fs::exists(path("refused.pt")));
}

void CliKerasTest::trainStartsFromKerasWeights_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("report");
    QTest::newRow("the seed's transfer setup from the ImageNet notop file")
        << QStringList{"--model", "resnet50v2", "--weights", "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "--freeze-backbone", "--channels", "3"}
        << "319 tensors imported, 4 kept their initial values (not in the file)";
    QTest::newRow("a 1-channel vanilla CNN from best_model.h5") << QStringList{"--model", "vanilla", "--weights", "vanilla32.h5"} << "8 tensors imported";
}

void CliKerasTest::trainStartsFromKerasWeights()
{
    QFETCH(QStringList, options);
    QFETCH(QString, report);
    const int weights = static_cast<int>(options.indexOf("--weights")) + 1;
    options[weights] = str(path("keras") / options[weights].toStdString());
    const QString run = str(path("run-" + fs::path(options[weights].toStdString()).stem().string()));
    const CliResult r = runCli(QStringList{"train", str(path("data")), "--epochs", "1", "--image-size", "32", "--batch-size", "8", "--threads", "2",
                                       "--output", run, "--json", "--no-augment"} + options);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const std::string taken = r.json().at("weights").get<std::string>();
    QVERIFY2(QString::fromStdString(taken).startsWith("initial weights from ") && QString::fromStdString(taken).endsWith(report), taken.c_str());
}

QTEST_APPLESS_MAIN(CliKerasTest)
#include "tst_clikeras.moc"
