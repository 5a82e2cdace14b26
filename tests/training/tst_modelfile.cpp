#include "TestTree.h"

#include "common/NeuroDxError.h"
#include "inference/ModelFile.h"
#include "inference/Predictor.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace neurodx;
using namespace neurodx::test;
namespace fs = std::filesystem;

namespace {

ModelSpec smallCnn()
{
    ModelSpec spec;
    spec.architecture = neurodx::Architecture::Cnn;
    spec.filters1 = 4;
    spec.filters2 = 6;
    spec.hiddenUnits = 10;
    spec.imageSize = 16;
    spec.inputChannels = 1;
    return spec;
}

nlohmann::json metadataFor(const ModelSpec& spec)
{
    return modelMetadata(spec, {"CN", "MCI", "AD"}, {spec.imageSize, spec.inputChannels}, {{"note", "test"}});
}

torch::Tensor fixedInput() { return torch::linspace(0, 1, 2 * 16 * 16).reshape({2, 1, 16, 16}); }

std::string readAll(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs Debian's Python (where python3-torch lives) with the given script; returns stdout.
QString python(const QString& script, const QStringList& args)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("PYTHONPATH", env.value("NEURODX_SCRIPTS_DIR"));
    process.setProcessEnvironment(env);
    process.start("/usr/bin/python3", QStringList{"-c", script} + args);
    if (!process.waitForFinished(120000) || process.exitCode() != 0)
        return "FAILED: " + process.readAllStandardError();
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

} // namespace

class ModelFileTest : public QObject {
    Q_OBJECT
private slots:
    void roundTripKeepsOutputsAndMetadata();
    void rejectsWrongFiles_data();
    void rejectsWrongFiles();
    void failedWriteKeepsThePreviousFile();
    void importReportsMatches();
    void pythonReadsNeuroDxModels();
    void neuroDxImportsTorchScriptFromPython();

private:
    fs::path path(const std::string& name) const { return toPath(m_dir.path()) / name; }
    QTemporaryDir m_dir;
};

void ModelFileTest::roundTripKeepsOutputsAndMetadata()
{
    torch::manual_seed(1);
    const ModelSpec spec = smallCnn();
    auto model = createModel(spec);
    model->eval();
    saveModelFile(path("model.pt"), *model, metadataFor(spec));
    const ModelBundle loaded = loadModelFile(path("model.pt"));
    QCOMPARE(loaded.classNames, (std::vector<std::string>{"CN", "MCI", "AD"}));
    QCOMPARE(loaded.input.size, 16);
    QCOMPARE(loaded.spec.filters2, 6);
    QCOMPARE(loaded.metadata.at("note").get<std::string>(), std::string("test"));
    QVERIFY(loaded.metadata.at("research_notice").get<std::string>().find("not a certified medical device") != std::string::npos);
    torch::NoGradGuard noGrad;
    QVERIFY(torch::equal(model->forward(fixedInput()), loaded.model->forward(fixedInput())));
    QVERIFY(!fs::exists(path("model.pt.part")));
}

void ModelFileTest::rejectsWrongFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("words");
    QTest::newRow("empty") << "empty.pt" << "empty";
    QTest::newRow("random bytes") << "random.pt" << "not a NeuroDx model file";
    QTest::newRow("truncated") << "truncated.pt" << "damaged or truncated";
    QTest::newRow("other pickle") << "list.pt" << "no dictionary";
    QTest::newRow("other dictionary") << "dict.pt" << "no 'format' entry";
    QTest::newRow("newer version") << "newer.pt" << "newer NeuroDx";
    QTest::newRow("unknown architecture") << "unknown.pt" << "unknown model architecture";
    QTest::newRow("shape mismatch") << "shape.pt" << "has shape";
    QTest::newRow("missing") << "missing.pt" << "cannot be opened";
}

void ModelFileTest::rejectsWrongFiles()
{
    QFETCH(QString, name);
    QFETCH(QString, words);
    const ModelSpec spec = smallCnn();
    auto model = createModel(spec);
    saveModelFile(path("good.pt"), *model, metadataFor(spec));
    const std::string good = readAll(path("good.pt"));
    const auto write = [&](const std::string& bytes) { writeBytes(path(name.toStdString()), bytes); };
    const auto pickle = [](const torch::IValue& value) {
        const auto bytes = torch::pickle_save(value);
        return std::string(bytes.begin(), bytes.end());
    };
    const auto bundleWith = [&](const std::string& key, const torch::IValue& value) {
        c10::impl::GenericDict dict = torch::pickle_load(std::vector<char>(good.begin(), good.end())).toGenericDict();
        dict.insert_or_assign(key, value);
        return pickle(dict);
    };
    if (name == "empty.pt")
        write("");
    else if (name == "random.pt")
        write(std::string(4096, '\x5a'));
    else if (name == "truncated.pt")
        write(good.substr(0, good.size() / 2));
    else if (name == "list.pt")
        write(pickle(c10::List<int64_t>({1, 2, 3})));
    else if (name == "dict.pt") {
        c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
        dict.insert("weights", torch::ones({2}));
        write(pickle(dict));
    } else if (name == "newer.pt")
        write(bundleWith("version", int64_t{99}));
    else if (name == "unknown.pt") {
        nlohmann::json meta = metadataFor(spec);
        meta["architecture"]["name"] = "transformer-xxl";
        write(bundleWith("metadata", meta.dump()));
    } else if (name == "shape.pt") {
        nlohmann::json meta = metadataFor(spec);
        meta["architecture"]["filters2"] = 7;
        write(bundleWith("metadata", meta.dump()));
    }
    try {
        loadModelFile(path(name.toStdString()));
        QFAIL("expected NeuroDxError");
    } catch (const NeuroDxError& e) {
        QVERIFY2(QString(e.what()).contains(words), e.what());
        QVERIFY2(QString(e.what()).contains(name), e.what());
    }
}

void ModelFileTest::failedWriteKeepsThePreviousFile()
{
    const ModelSpec spec = smallCnn();
    torch::manual_seed(2);
    auto first = createModel(spec);
    saveModelFile(path("best.pt"), *first, metadataFor(spec));
    const std::string before = readAll(path("best.pt"));
    // The temporary file cannot be created (a folder sits in its place): the write fails midway.
    fs::create_directories(path("best.pt.part"));
    torch::manual_seed(3);
    auto second = createModel(spec);
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, saveModelFile(path("best.pt"), *second, metadataFor(spec)));
    QCOMPARE(readAll(path("best.pt")), before);
    loadModelFile(path("best.pt"));
    fs::remove_all(path("best.pt.part"));
}

void ModelFileTest::importReportsMatches()
{
    ModelSpec source = smallCnn();
    auto donor = createModel(source);
    saveModelFile(path("donor.pt"), *donor, metadataFor(source));
    ModelSpec target = source;
    target.hiddenUnits = 12; // dense1 and dense2 change shape; the convolutions match
    auto model = createModel(target);
    const WeightImportReport report = importWeights(*model, path("donor.pt"));
    QCOMPARE(report.matched.size(), std::size_t{5});          // convolutions and dense2.bias
    QCOMPARE(report.shapeMismatches.size(), std::size_t{3}); // dense1 weight+bias, dense2 weight
    QVERIFY(QString::fromStdString(report.summary()).startsWith("5 tensors imported"));
    QVERIFY(torch::equal(model->named_parameters()["conv1.weight"], donor->named_parameters()["conv1.weight"]));
    writeBytes(path("junk.pt"), "not weights");
    QVERIFY_THROWS_EXCEPTION(NeuroDxError, importWeights(*model, path("junk.pt")));
}

void ModelFileTest::pythonReadsNeuroDxModels()
{
    torch::manual_seed(4);
    const ModelSpec spec = smallCnn();
    auto model = createModel(spec);
    model->eval();
    saveModelFile(path("for-python.pt"), *model, metadataFor(spec));
    torch::NoGradGuard noGrad;
    const double expected = model->forward(fixedInput()).sum().item<double>();
    const QString out = python(
        "import sys, torch, neurodx_model\n"
        "model, meta = neurodx_model.load(sys.argv[1])\n"
        "x = torch.linspace(0, 1, 2 * 16 * 16).reshape(2, 1, 16, 16)\n"
        "print(meta['class_names'][2], float(model(x).sum()))\n",
        {QString::fromStdString(path("for-python.pt").string())});
    QVERIFY2(out.startsWith("AD "), qPrintable(out));
    QVERIFY2(std::abs(out.section(' ', 1).toDouble() - expected) < 1e-4, qPrintable(out + " vs " + QString::number(expected)));
}

void ModelFileTest::neuroDxImportsTorchScriptFromPython()
{
    const QString out = python(
        "import sys, torch, neurodx_model\n"
        "torch.manual_seed(5)\n"
        "m = neurodx_model.NeuroDxCnn(1, 16, 4, 6, 10, 3).eval()\n"
        "neurodx_model.save_for_neurodx(m, sys.argv[1])\n"
        "x = torch.linspace(0, 1, 2 * 16 * 16).reshape(2, 1, 16, 16)\n"
        "print(float(m(x).sum()))\n",
        {QString::fromStdString(path("from-python.ts").string())});
    QVERIFY2(!out.startsWith("FAILED"), qPrintable(out));
    auto model = createModel(smallCnn());
    const WeightImportReport report = importWeights(*model, path("from-python.ts"));
    QCOMPARE(report.matched.size(), std::size_t{8});
    QVERIFY(report.missingInFile.empty() && report.shapeMismatches.empty());
    model->eval();
    torch::NoGradGuard noGrad;
    QVERIFY(std::abs(model->forward(fixedInput()).sum().item<double>() - out.toDouble()) < 1e-4);
}

QTEST_APPLESS_MAIN(ModelFileTest)
#include "tst_modelfile.moc"
