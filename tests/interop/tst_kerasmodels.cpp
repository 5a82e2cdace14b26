// Keras .h5 files in NeuroDx: files written by Python in Keras' exact layout (keras_files.py, with
// Debian's python3-h5py), imported by core/interop, and their outputs compared with what Keras
// computes (keras_reference.py: a NumPy interpreter of the model_config with Keras' semantics).
#include "TestTree.h"

#include "common/ChildProcess.h"
#include "common/NeuroDxError.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"
#include "interop/KerasArchitecture.h"
#include "interop/KerasHdf5Wire.h"
#include "interop/KerasModel.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

torch::Tensor readRaw(const fs::path& file, const std::vector<std::int64_t>& shape, torch::Dtype dtype)
{
    std::ifstream in(file, std::ios::binary);
    torch::Tensor t = torch::empty(shape, dtype);
    in.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
    return in ? t : torch::Tensor();
}

std::vector<std::int64_t> shapeOf(const nlohmann::json& j) { return j.get<std::vector<std::int64_t>>(); }

// Keras' NHWC pixels in [0, 255] -> NeuroDx's NCHW input in [0, 1] (pixel / 255).
torch::Tensor neuroDxInput(const torch::Tensor& pixels) { return pixels.permute({0, 3, 1, 2}).contiguous().div(255.0); }

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>(); }

// Everything the library prints to stderr while `run` runs (HDF5 prints its error stack there).
template <typename Run>
std::string stderrDuring(Run run)
{
    std::fflush(stderr);
    const int saved = dup(2);
    FILE* capture = std::tmpfile();
    dup2(fileno(capture), 2);
    run();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::rewind(capture);
    std::string text;
    for (int c; (c = std::fgetc(capture)) != EOF;)
        text += static_cast<char>(c);
    std::fclose(capture);
    return text;
}

} // namespace

class KerasModelsTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void importMatchesKeras_data();
    void importMatchesKeras();
    void modelFileAndPredictorOpenH5();
    void importedModelSavesAndReloads();
    void classNamesFromOptionsFileOrSeed();
    void transferStartsFromImageNetWeights_data();
    void transferStartsFromImageNetWeights();
    void cnnWeightsForTraining();
    void backboneIsNoClassifier();
    void rejectsBrokenFiles_data();
    void rejectsBrokenFiles();
    void childReadsWhatThisProcessReads_data();
    void childReadsWhatThisProcessReads();
    void libraryCrashIsContained();
    void damagedAnswerIsRefused();

private:
    fs::path file(const std::string& name) const { return toPath(m_dir.path()) / name; }
    const nlohmann::json& kerasCase(const std::string& name) const;
    torch::Tensor reference(const nlohmann::json& input, const char* what, const std::vector<std::int64_t>& shape) const;
    QTemporaryDir m_dir;
    nlohmann::json m_manifest;
};

void KerasModelsTest::initTestCase()
{
    const QString scripts = QProcessEnvironment::systemEnvironment().value("NEURODX_INTEROP_DIR");
    QVERIFY2(!scripts.isEmpty(), "NEURODX_INTEROP_DIR is set by CTest");
    QProcess python;
    python.start("/usr/bin/python3", {scripts + "/keras_files.py", m_dir.path(), "all"}); // Debian's Python: h5py, NumPy
    QVERIFY(python.waitForFinished(600000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    std::ifstream in(file("manifest.json"));
    m_manifest = nlohmann::json::parse(in);
}

const nlohmann::json& KerasModelsTest::kerasCase(const std::string& name) const
{
    for (const nlohmann::json& c : m_manifest.at("cases"))
        if (c.at("name") == name)
            return c;
    throw std::runtime_error("no case " + name);
}

torch::Tensor KerasModelsTest::reference(const nlohmann::json& input, const char* what, const std::vector<std::int64_t>& shape) const
{
    const std::string stem = input.at("stem").get<std::string>();
    return readRaw(file(stem + "." + what + ".f64"), shape, torch::kDouble);
}

void KerasModelsTest::importMatchesKeras_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("seed vanilla CNN, tf.keras Sequential, 32x32") << "vanilla32";
    QTest::newRow("seed vanilla CNN, save_weights file") << "vanilla32_weights";
    QTest::newRow("save_weights file, chunked name lists, renamed weights") << "vanilla32_chunked";
    QTest::newRow("seed vanilla CNN, 3x256x256") << "vanilla256";
    QTest::newRow("tuned CNN, tf.keras Functional, 64x64") << "tuned64";
    QTest::newRow("Keras 2.2.4 CNN, 1 channel, no Rescaling") << "keras224";
    QTest::newRow("Keras 3 CNN, Rescaling 1/127.5") << "keras3";
    QTest::newRow("seed transfer model, ResNet50V2 64x64") << "transfer64";
}

void KerasModelsTest::importMatchesKeras()
{
    QFETCH(QString, name);
    const nlohmann::json& c = kerasCase(name.toStdString());
    const nlohmann::json& expect = c.at("expect");
    const KerasImport imported = importKerasModel(file(c.at("file").get<std::string>()));
    const ModelBundle& bundle = imported.bundle;
    QCOMPARE(std::string(architectureName(bundle.spec.architecture)), expect.at("architecture").get<std::string>());
    QCOMPARE(bundle.input.size, expect.at("size").get<int>());
    QCOMPARE(bundle.input.channels, expect.at("channels").get<int>());
    QCOMPARE(bundle.spec.classes, expect.at("classes").get<int>());
    QCOMPARE(bundle.spec.dropout, expect.value("dropout", 0.0));
    QCOMPARE(bundle.spec.freezeBackbone, expect.value("freeze_backbone", false));
    if (expect.contains("parameters"))
        QCOMPARE(parameterCount(*bundle.model), expect.at("parameters").get<std::int64_t>());
    if (expect.contains("class_names"))
        QCOMPARE(bundle.classNames, expect.at("class_names").get<std::vector<std::string>>());
    const nlohmann::json& from = bundle.metadata.at("imported_from");
    QCOMPARE(from.at("file").get<std::string>(), c.at("file").get<std::string>());
    QVERIFY(!from.at("keras_version").get<std::string>().empty());

    torch::NoGradGuard noGrad;
    for (const nlohmann::json& input : c.at("inputs")) {
        const std::vector<std::int64_t> shape = shapeOf(input.at("shape"));
        const torch::Tensor pixels = readRaw(file(input.at("stem").get<std::string>() + ".in.f32"), shape, torch::kFloat);
        QVERIFY(pixels.defined());
        const std::vector<std::int64_t> outShape{shape[0], input.at("classes").get<std::int64_t>()};
        const torch::Tensor logits = bundle.model->forward(neuroDxInput(pixels));
        const double probDiff = maxAbsDiff(torch::softmax(logits.to(torch::kDouble), 1), reference(input, "probs", outShape));
        const double logitDiff = maxAbsDiff(logits, reference(input, "logits", outShape));
        qInfo("%s, %s inputs: max |p - p_keras| = %.3g, max |logit - logit_keras| = %.3g", qPrintable(name),
              input.at("label").get<std::string>().c_str(), probDiff, logitDiff);
        QVERIFY2(probDiff < 1e-5, qPrintable(QString::number(probDiff)));
        QVERIFY2(logitDiff < 1e-4, qPrintable(QString::number(logitDiff)));
    }
}

void KerasModelsTest::modelFileAndPredictorOpenH5()
{
    // The engine functions every caller uses (CLI predict/evaluate, the GUI) take .h5 by content.
    const ModelBundle bundle = loadModelFile(file("vanilla32.h5"));
    QCOMPARE(bundle.metadata.at("imported_from").at("format").get<std::string>(), std::string("Keras HDF5"));
    QCOMPARE(bundle.metadata.at("imported_from").at("keras_version").get<std::string>(), std::string("2.9.0"));
    QCOMPARE(bundle.metadata.at("imported_from").at("backend").get<std::string>(), std::string("tensorflow"));
    QCOMPARE(bundle.classNames, (std::vector<std::string>{"CN", "MCI", "AD"}));
    // A copy without the .h5 name is recognised by its content.
    fs::copy_file(file("vanilla32.h5"), file("renamed.model"), fs::copy_options::overwrite_existing);
    Predictor predictor = Predictor::fromFile(file("renamed.model"), InferencePrecision::Float32);
    QVERIFY(predictor.bundle().spec.architecture == Architecture::Vanilla);
}

void KerasModelsTest::importedModelSavesAndReloads()
{
    const KerasImport imported = importKerasModel(file("tuned64.h5"));
    saveModelFile(file("tuned64.pt"), *imported.bundle.model, imported.bundle.metadata);
    const ModelBundle reloaded = loadModelFile(file("tuned64.pt"));
    QCOMPARE(reloaded.classNames, imported.bundle.classNames);
    QCOMPARE(reloaded.metadata.at("imported_from").at("file").get<std::string>(), std::string("tuned64.h5"));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::rand({2, 3, 64, 64});
    QVERIFY(torch::equal(imported.bundle.model->forward(x), reloaded.model->forward(x)));
}

void KerasModelsTest::classNamesFromOptionsFileOrSeed()
{
    const KerasImport seed = importKerasModel(file("vanilla32.h5"));
    QCOMPARE(seed.bundle.classNames, (std::vector<std::string>{"CN", "MCI", "AD"}));
    QVERIFY(std::any_of(seed.notices.begin(), seed.notices.end(), [](const std::string& n) { return n.find("seed's order") != std::string::npos; }));
    const KerasImport given = importKerasModel(file("tuned64.h5"), {{"NC", "EMCI", "AD"}});
    QCOMPARE(given.bundle.classNames, (std::vector<std::string>{"NC", "EMCI", "AD"}));
    const KerasImport generic = importKerasModel(file("keras224.h5"));
    QCOMPARE(generic.bundle.classNames, (std::vector<std::string>{"class0", "class1"}));
    try {
        importKerasModel(file("vanilla32.h5"), {{"CN", "AD"}});
        QFAIL("two names for three outputs were accepted");
    } catch (const NeuroDxError& e) {
        QVERIFY2(std::string(e.what()).find("names 2 classes") != std::string::npos, e.what());
        QCOMPARE(e.kind(), ErrorKind::InvalidArgument);
    }
}

void KerasModelsTest::transferStartsFromImageNetWeights_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<QString>("inputs");
    QTest::newRow("3 channels (the seed's setup)") << 3 << "color";
    QTest::newRow("1 channel (kernel summed over RGB)") << 1 << "grey";
}

void KerasModelsTest::transferStartsFromImageNetWeights()
{
    QFETCH(int, channels);
    QFETCH(QString, inputs);
    // neurodx-cli train --model resnet50v2 --weights resnet50v2_..._notop.h5 --freeze-backbone
    ModelSpec spec;
    spec.architecture = neurodx::Architecture::ResNet50V2;
    spec.inputChannels = channels;
    spec.freezeBackbone = true;
    const std::shared_ptr<Classifier> model = createModel(spec);
    QCOMPARE(trainableParameterCount(*model), std::int64_t{2101251});
    int batchNorms = 0;
    for (const auto& module : model->modules(false)) {
        if (const auto* bn = module->as<torch::nn::BatchNorm2d>()) {
            QCOMPARE(bn->options.eps(), kKerasResNetBnEpsilon); // Keras' ResNet50V2 epsilon, so moving statistics mean the same
            ++batchNorms;
        }
    }
    QCOMPARE(batchNorms, 3 * 16 + 1);
    const nlohmann::json& c = kerasCase("resnet50v2_weights_tf_dim_ordering_tf_kernels_notop");
    const WeightImportReport report = importWeights(*model, file(c.at("file").get<std::string>()));
    QCOMPARE(report.missingInFile, (std::vector<std::string>{"dense1.bias", "dense1.weight", "dense2.bias", "dense2.weight"}));
    QVERIFY2(report.shapeMismatches.empty(), report.summary().c_str());
    QVERIFY2(report.unexpectedInFile.empty(), report.summary().c_str());
    // Everything but the head: stem conv (2), 16 blocks (19 tensors each, 2 more with a conv shortcut), post_bn (5).
    QCOMPARE(report.matched.size(), std::size_t{2 + 16 * 19 + 4 * 2 + 5});
    QCOMPARE(report.matched.size() + 4, model->named_parameters().size() + model->named_buffers().size());
    torch::NoGradGuard noGrad;
    model->eval();
    for (const nlohmann::json& input : c.at("inputs")) {
        if (input.at("label") != inputs.toStdString())
            continue;
        const std::vector<std::int64_t> shape = shapeOf(input.at("shape"));
        torch::Tensor x = neuroDxInput(readRaw(file(input.at("stem").get<std::string>() + ".in.f32"), shape, torch::kFloat));
        if (channels == 1)
            x = x.narrow(1, 0, 1); // grey replicated: one channel carries it all
        const torch::Tensor features = model->features(x).permute({0, 2, 3, 1});
        const torch::Tensor expected = reference(input, "features", shapeOf(input.at("features_shape")));
        const double diff = maxAbsDiff(features, expected);
        const double scale = expected.abs().max().item<double>();
        qInfo("ResNet50V2 backbone from the notop file, %d channel(s): max |feature - feature_keras| = %.3g (features up to %.3g)", channels, diff, scale);
        QVERIFY2(diff < 1e-4 * std::max(1.0, scale), qPrintable(QString::number(diff)));
    }
}

void KerasModelsTest::cnnWeightsForTraining()
{
    // train --model vanilla --weights best_model.h5 with NeuroDx's default single channel.
    ModelSpec spec;
    spec.imageSize = 32;
    spec.inputChannels = 1;
    const std::shared_ptr<Classifier> model = createModel(spec);
    const WeightImportReport report = importWeights(*model, file("vanilla32.h5"));
    QCOMPARE(report.matched.size(), std::size_t{8});
    QVERIFY2(report.missingInFile.empty() && report.shapeMismatches.empty() && report.unexpectedInFile.empty(), report.summary().c_str());
    const nlohmann::json& input = kerasCase("vanilla32").at("inputs").at(1);
    QCOMPARE(input.at("label").get<std::string>(), std::string("grey"));
    const std::vector<std::int64_t> shape = shapeOf(input.at("shape"));
    torch::NoGradGuard noGrad;
    model->eval();
    const torch::Tensor x = neuroDxInput(readRaw(file(input.at("stem").get<std::string>() + ".in.f32"), shape, torch::kFloat)).narrow(1, 0, 1);
    const double diff = maxAbsDiff(torch::softmax(model->forward(x).to(torch::kDouble), 1), reference(input, "probs", {shape[0], 3}));
    qInfo("vanilla CNN weights into a 1-channel model: max |p - p_keras| = %.3g", diff);
    QVERIFY(diff < 1e-5);
}

void KerasModelsTest::backboneIsNoClassifier()
{
    try {
        importKerasModel(file("resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"));
        QFAIL("a backbone without a head was imported as a classifier");
    } catch (const NeuroDxError& e) {
        const std::string what = e.what();
        QVERIFY2(what.find("include_top=False") != std::string::npos, e.what());
        QVERIFY2(what.find("--model resnet50v2 --weights resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5 --freeze-backbone") != std::string::npos, e.what());
    }
}

void KerasModelsTest::rejectsBrokenFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("words");
    QTest::newRow("not HDF5") << "not_hdf5.h5" << "not an HDF5 file";
    QTest::newRow("HDF5 without Keras attributes") << "plain.h5" << "not a Keras model or weight file";
    QTest::newRow("truncated") << "truncated.h5" << "damaged or truncated";
    QTest::newRow("unsupported layer") << "batchnorm_cnn.h5" << "BatchNormalization 'batch_normalization' (no counterpart|has no counterpart)";
    QTest::newRow("Rescaling with an offset") << "offset_rescaling.h5" << "Rescaling 'rescaling' .*offset";
    QTest::newRow("missing") << "no_such_model.h5" << "cannot be opened";
    QTest::newRow("Keras 3 archive") << "model.keras" << "Keras 3 .keras archive";
}

void KerasModelsTest::rejectsBrokenFiles()
{
    QFETCH(QString, name);
    QFETCH(QString, words);
    if (name == "model.keras")
        writeBytes(file("model.keras"), std::string("PK\x03\x04", 4) + "config.json");
    for (const bool throughModelFile : {false, true}) {
        std::string message;
        const std::string printed = stderrDuring([&] {
            try {
                if (throughModelFile)
                    loadModelFile(file(name.toStdString()));
                else
                    importKerasModel(file(name.toStdString()));
            } catch (const NeuroDxError& e) {
                message = e.what();
            }
        });
        QVERIFY2(!message.empty(), "no NeuroDxError");
        QVERIFY2(message.find(name.toStdString()) != std::string::npos, message.c_str()); // names the file
        QVERIFY2(QString::fromStdString(message).contains(QRegularExpression(words)), message.c_str());
        QVERIFY2(printed.empty(), printed.c_str()); // HDF5's own error stack stays silent
    }
    if (name == "batchnorm_cnn.h5") {
        try {
            importKerasModel(file(name.toStdString()));
        } catch (const NeuroDxError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find("Layers found: InputLayer 'sequential_input', InputLayer 'resizing_input', Resizing 'resizing' (32x32), "
                               "Rescaling 'rescaling' (scale 1/255)") != std::string::npos, e.what());
            QCOMPARE(e.kind(), ErrorKind::UnsupportedFormat);
        }
    }
}

void KerasModelsTest::childReadsWhatThisProcessReads_data()
{
    QTest::addColumn<QString>("name");
    for (const nlohmann::json& c : m_manifest.at("cases"))
        if (!c.value("broken", false))
            QTest::newRow(c.at("file").get<std::string>().c_str()) << QString::fromStdString(c.at("file").get<std::string>());
    QTest::newRow("truncated (an error crosses too)") << "truncated.h5";
}

void KerasModelsTest::childReadsWhatThisProcessReads()
{
    QFETCH(QString, name);
    const fs::path path = file(name.toStdString());
    KerasHdf5Content here, there;
    std::string errorHere = "none", errorThere = "none";
    ErrorKind kindHere = ErrorKind::Io, kindThere = ErrorKind::Io;
    try {
        here = readKerasHdf5InThisProcess(path);
    } catch (const NeuroDxError& e) {
        errorHere = e.what();
        kindHere = e.kind();
    }
    try {
        there = readKerasHdf5(path);
    } catch (const NeuroDxError& e) {
        errorThere = e.what();
        kindThere = e.kind();
    }
    QCOMPARE(errorThere, errorHere);
    QCOMPARE(kindThere, kindHere);
    QCOMPARE(there.file, here.file);
    QCOMPARE(there.wholeModel, here.wholeModel);
    QCOMPARE(there.modelConfig, here.modelConfig);
    QCOMPARE(there.kerasVersion, here.kerasVersion);
    QCOMPARE(there.backend, here.backend);
    QCOMPARE(there.classNames, here.classNames);
    QCOMPARE(there.layerNames, here.layerNames);
    QCOMPARE(there.groups.size(), here.groups.size());
    for (std::size_t g = 0; g < here.groups.size(); ++g) {
        QCOMPARE(there.groups[g].name, here.groups[g].name);
        QCOMPARE(there.groups[g].weights.size(), here.groups[g].weights.size());
        for (std::size_t w = 0; w < here.groups[g].weights.size(); ++w) {
            const KerasWeight& a = there.groups[g].weights[w];
            const KerasWeight& b = here.groups[g].weights[w];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.shape, b.shape);
            QVERIFY(a.values == b.values);
        }
    }
}

// tests/data/fuzz-library-bugs: a damaged object header on which Debian's libhdf5 1.10.8 copies past
// a heap buffer. Whatever the library does with it (crash, garbage, an error), this process survives
// and the user reads that the file is damaged.
void KerasModelsTest::libraryCrashIsContained()
{
    if (!childProcessIsolationAvailable())
        QSKIP("this build reads HDF5 in its own process (Windows, or ASan: core/common/ChildProcess.cpp), so nothing can contain the library's overflow");
    const fs::path crafted = toPath(QProcessEnvironment::systemEnvironment().value("NEURODX_INTEROP_DIR")) /
                             "../data/fuzz-library-bugs/hdf5-H5Aexists-heap-overflow.h5";
    QVERIFY(fs::exists(crafted));
    for (const bool throughModelFile : {false, true}) {
        try {
            if (throughModelFile)
                loadModelFile(crafted);
            else
                importKerasModel(crafted);
            QFAIL("a crafted file was imported");
        } catch (const NeuroDxError& e) {
            QVERIFY2(std::string(e.what()).find("hdf5-H5Aexists-heap-overflow.h5") != std::string::npos, e.what());
            QVERIFY2(e.kind() == ErrorKind::CorruptFile || e.kind() == ErrorKind::UnsupportedFormat, e.what());
        }
    }
}

void KerasModelsTest::damagedAnswerIsRefused()
{
    const fs::path path = file("vanilla32.h5");
    const std::string answer = encodeKerasHdf5Content(readKerasHdf5InThisProcess(path));
    QCOMPARE(decodeKerasHdf5Answer(answer, path).layerNames, readKerasHdf5InThisProcess(path).layerNames);
    for (const std::string& damaged : {answer.substr(0, answer.size() - 1), answer + "x", answer.substr(0, 3), std::string()}) {
        try {
            decodeKerasHdf5Answer(damaged, path);
            QFAIL("a damaged answer was decoded");
        } catch (const NeuroDxError& e) {
            QCOMPARE(e.kind(), ErrorKind::CorruptFile);
            QVERIFY2(std::string(e.what()).find("cannot decode") != std::string::npos, e.what());
        }
    }
    const NeuroDxError original(ErrorKind::UnsupportedFormat, path, "a layer without counterpart");
    try {
        decodeKerasHdf5Answer(encodeKerasHdf5Error(original), path);
        QFAIL("an error answer was not rethrown");
    } catch (const NeuroDxError& e) {
        QCOMPARE(std::string(e.what()), std::string(original.what()));
        QCOMPARE(e.kind(), original.kind());
        QCOMPARE(e.file(), path);
    }
}

QTEST_APPLESS_MAIN(KerasModelsTest)
#include "tst_kerasmodels.moc"
