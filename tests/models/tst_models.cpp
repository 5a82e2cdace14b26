#include "ModelRegistry.h"
#include "ModelSummary.h"
#include "ReluMaxPool.h"

#include <torch/torch.h>

#include <QtTest>

using namespace neurodx;

class ModelsTest : public QObject {
    Q_OBJECT
private slots:
    void parameterCountsMatchKeras_data();
    void parameterCountsMatchKeras();
    void outputShape_data();
    void outputShape();
    void frozenResNetTrainsOnlyTheHead();
    void registryListsArchitectures();
    void rejectsUnknownOrBadSpecs();
    void fusedReluMaxPoolEqualsUnfused_data();
    void fusedReluMaxPoolEqualsUnfused();
    void fusedReluMaxPoolRejectsOddSizes();
    void headOfFeaturesIsForward_data();
    void headOfFeaturesIsForward();
    void summaryListsEveryParameter_data();
    void summaryListsEveryParameter();
};

void ModelsTest::parameterCountsMatchKeras_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("channels");
    QTest::addColumn<qint64>("parameters");
    // The seed's model.summary() totals for 3x256x256 input.
    QTest::newRow("vanilla rgb") << "vanilla" << 3 << qint64(16796867);
    QTest::newRow("tuned rgb") << "tuned" << 3 << qint64(20975571);
    QTest::newRow("resnet50v2 rgb") << "resnet50v2" << 3 << qint64(25666051);
    QTest::newRow("resnet50v2 grey") << "resnet50v2" << 1 << qint64(25666051 - 2 * 7 * 7 * 64);
    // One input channel removes the first convolution's weights for two channels.
    QTest::newRow("vanilla grey") << "vanilla" << 1 << qint64(16796867 - 2 * 9 * 32);
    QTest::newRow("tuned grey") << "tuned" << 1 << qint64(20975571 - 2 * 9 * 16);
}

void ModelsTest::parameterCountsMatchKeras()
{
    QFETCH(QString, architecture);
    QFETCH(int, channels);
    QFETCH(qint64, parameters);
    ModelSpec spec;
    spec.architecture = neurodx::architectureFromName(architecture.toStdString());
    spec.inputChannels = channels;
    QCOMPARE(qint64(parameterCount(*createModel(spec))), parameters);
}

void ModelsTest::outputShape_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("size");
    QTest::newRow("vanilla 64") << "vanilla" << 64;
    QTest::newRow("tuned 128") << "tuned" << 128;
    QTest::newRow("resnet50v2 64") << "resnet50v2" << 64;
}

void ModelsTest::outputShape()
{
    QFETCH(QString, architecture);
    QFETCH(int, size);
    torch::NoGradGuard noGrad;
    ModelSpec spec;
    spec.architecture = neurodx::architectureFromName(architecture.toStdString());
    spec.imageSize = size;
    auto model = createModel(spec);
    const torch::Tensor logits = model->forward(torch::rand({2, 1, size, size}));
    QCOMPARE(logits.dim(), 2);
    QCOMPARE(logits.size(0), 2);
    QCOMPARE(logits.size(1), 3);
    QVERIFY(torch::isfinite(logits).all().item<bool>());
}

void ModelsTest::frozenResNetTrainsOnlyTheHead()
{
    ModelSpec spec;
    spec.architecture = neurodx::Architecture::ResNet50V2;
    spec.inputChannels = 3;
    spec.freezeBackbone = true;
    auto model = createModel(spec);
    QCOMPARE(parameterCount(*model), std::int64_t{25666051});
    QCOMPARE(trainableParameterCount(*model), std::int64_t{2101251});
    // Frozen batch norms stay in inference mode while the head trains.
    model->train();
    QVERIFY(model->is_training());
    for (const auto& child : model->named_children()) {
        if (child.key().rfind("dense", 0) != 0)
            QVERIFY2(!child.value()->is_training(), child.key().c_str());
    }
}

void ModelsTest::registryListsArchitectures()
{
    QStringList names;
    for (const ModelArchitecture& a : modelArchitectures())
        names << QString::fromStdString(a.name);
    QCOMPARE(names, (QStringList{"vanilla", "tuned", "cnn", "resnet50v2"}));
    ModelSpec custom;
    custom.architecture = neurodx::Architecture::Cnn;
    custom.filters1 = 8;
    custom.filters2 = 4;
    custom.hiddenUnits = 10;
    custom.imageSize = 16;
    // conv1 1*9*8+8, conv2 8*9*4+4, dense 4*4*4*10+10, out 10*3+3
    QCOMPARE(parameterCount(*createModel(custom)), std::int64_t{80 + 292 + 650 + 33});
}

void ModelsTest::rejectsUnknownOrBadSpecs()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, neurodx::architectureFromName("resnet9000"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, neurodx::architectureFromName("")); // names only at the edges, checked there
    ModelSpec odd;
    odd.imageSize = 30;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, createModel(odd));
}

void ModelsTest::fusedReluMaxPoolEqualsUnfused_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<bool>("channelsLast");
    QTest::addColumn<int>("dtype"); // torch::ScalarType
    QTest::addColumn<bool>("ties"); // small integers: many equal maxima and exact zeros
    for (const bool last : {false, true}) {
        const QByteArray layout = last ? "channels-last" : "nchw";
        QTest::newRow(layout + " 1ch float") << 1 << last << int(torch::kFloat32) << false;
        QTest::newRow(layout + " 3ch float") << 3 << last << int(torch::kFloat32) << false;
        QTest::newRow(layout + " 16ch float") << 16 << last << int(torch::kFloat32) << false;
        QTest::newRow(layout + " 16ch float ties") << 16 << last << int(torch::kFloat32) << true;
        QTest::newRow(layout + " 8ch double") << 8 << last << int(torch::kFloat64) << false;
        QTest::newRow(layout + " 8ch bfloat16 ties") << 8 << last << int(torch::kBFloat16) << true;
    }
}

void ModelsTest::fusedReluMaxPoolEqualsUnfused()
{
    QFETCH(int, channels);
    QFETCH(bool, channelsLast);
    QFETCH(int, dtype);
    QFETCH(bool, ties);
    torch::manual_seed(channels + 100 * channelsLast + dtype);
    torch::Tensor values = ties ? torch::randint(-3, 4, {3, channels, 10, 14}).to(torch::kFloat32) : torch::randn({3, channels, 10, 14});
    values = values.to(torch::ScalarType(dtype));
    if (channelsLast)
        values = values.contiguous(torch::MemoryFormat::ChannelsLast);
    const torch::Tensor upstream = torch::randn({3, channels, 5, 7}).to(torch::ScalarType(dtype));

    const torch::Tensor unfusedInput = values.clone().requires_grad_(true);
    const torch::Tensor unfused = torch::max_pool2d(torch::relu(unfusedInput), 2);
    unfused.backward(upstream);
    const torch::Tensor fusedInput = values.clone().requires_grad_(true);
    const torch::Tensor fused = reluMaxPool2x2(fusedInput);
    fused.backward(upstream);

    QCOMPARE(fused.sizes().vec(), unfused.sizes().vec());
    QCOMPARE(fused.scalar_type(), values.scalar_type());
    QVERIFY(torch::equal(fused, unfused));
    QVERIFY(torch::equal(fusedInput.grad(), unfusedInput.grad()));
    QCOMPARE(fused.is_contiguous(torch::MemoryFormat::ChannelsLast), channelsLast || channels == 1);
    // Without autograd the same values come out.
    torch::NoGradGuard noGrad;
    QVERIFY(torch::equal(reluMaxPool2x2(values), unfused.detach()));
}

void ModelsTest::fusedReluMaxPoolRejectsOddSizes()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, reluMaxPool2x2(torch::zeros({1, 1, 5, 4})));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, reluMaxPool2x2(torch::zeros({4, 4})));
}

void ModelsTest::headOfFeaturesIsForward_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("channels");
    QTest::newRow("vanilla grey") << "vanilla" << 1;
    QTest::newRow("tuned rgb channels-last") << "tuned" << 3;
    QTest::newRow("resnet50v2 grey") << "resnet50v2" << 1;
}

void ModelsTest::headOfFeaturesIsForward()
{
    QFETCH(QString, architecture);
    QFETCH(int, channels);
    torch::manual_seed(5);
    ModelSpec spec;
    spec.architecture = neurodx::architectureFromName(architecture.toStdString());
    spec.inputChannels = channels;
    spec.imageSize = 64;
    auto model = createModel(spec);
    toChannelsLast(*model, channels);
    model->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor x = channelsLast(torch::rand({2, channels, 64, 64}));
    QVERIFY(torch::allclose(model->head(model->features(x)), model->forward(x), 1e-5, 1e-6));
}

QTEST_APPLESS_MAIN(ModelsTest)
void ModelsTest::summaryListsEveryParameter_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("freeze");
    QTest::addColumn<double>("dropout");
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("firstShape");
    QTest::addColumn<QString>("featureShape"); // the row before the head's first dense layer
    QTest::newRow("vanilla 3x256 (the seed's)") << "vanilla" << 3 << 256 << false << 0.0 << 7 << "32 x 256 x 256" << "262144";
    QTest::newRow("tuned 1x128") << "tuned" << 1 << 128 << false << 0.0 << 7 << "16 x 128 x 128" << "16384";
    QTest::newRow("cnn with dropout") << "cnn" << 1 << 64 << false << 0.3 << 8 << "32 x 64 x 64" << "16384";
    QTest::newRow("resnet50v2 3x64") << "resnet50v2" << 3 << 64 << false << 0.0 << 22 << "64 x 32 x 32" << "2048";
    QTest::newRow("resnet50v2 frozen 1x64") << "resnet50v2" << 1 << 64 << true << 0.0 << 22 << "64 x 32 x 32" << "2048";
}

void ModelsTest::summaryListsEveryParameter()
{
    QFETCH(QString, architecture);
    QFETCH(int, channels);
    QFETCH(int, size);
    QFETCH(bool, freeze);
    QFETCH(double, dropout);
    QFETCH(int, rows);
    QFETCH(QString, firstShape);
    QFETCH(QString, featureShape);
    neurodx::ModelSpec spec;
    spec.architecture = neurodx::architectureFromName(architecture.toStdString());
    spec.inputChannels = channels;
    spec.imageSize = size;
    spec.freezeBackbone = freeze;
    spec.dropout = dropout;
    const auto model = neurodx::createModel(spec);
    model->train();
    const neurodx::ModelSummary summary = neurodx::summarizeModel(*model, neurodx::architectureName(spec.architecture), channels, size);
    QVERIFY(model->is_training()); // the mode is given back

    QCOMPARE(int(summary.layers.size()), rows);
    std::int64_t parameters = 0, trainable = 0;
    for (const neurodx::LayerSummary& layer : summary.layers) {
        parameters += layer.parameters;
        trainable += layer.trainableParameters;
    }
    // Every parameter belongs to exactly one row, and the totals are Keras' counts.
    QCOMPARE(parameters, neurodx::parameterCount(*model));
    QCOMPARE(trainable, neurodx::trainableParameterCount(*model));
    QCOMPARE(summary.parameters, parameters);
    QCOMPARE(summary.trainableParameters, trainable);
    const auto shape = [](const neurodx::LayerSummary& layer) {
        QStringList parts;
        for (std::int64_t d : layer.outputShape)
            parts << QString::number(d);
        return parts.join(" x ");
    };
    QCOMPARE(shape(summary.layers.front()), firstShape);
    QCOMPARE(shape(summary.layers[summary.layers.size() - 3 - (dropout > 0 ? 1 : 0)]), featureShape);
    QCOMPARE(summary.layers.back().outputShape, (std::vector<std::int64_t>{3}));
    QCOMPARE(summary.layers.back().name, std::string("dense2"));

    const QString text = QString::fromStdString(neurodx::modelSummaryText(summary));
    const auto thousands = [](std::int64_t value) {
        QString digits = QString::number(value);
        for (int i = digits.size() - 3; i > 0; i -= 3)
            digits.insert(i, ',');
        return digits;
    };
    QVERIFY2(text.contains("Total params: " + thousands(parameters) + "\n"), qPrintable(text));
    QVERIFY2(text.contains("Non-trainable params: " + thousands(parameters - trainable) + "\n"), qPrintable(text));
    QCOMPARE(text.contains("(frozen)"), freeze);
}

#include "tst_models.moc"
