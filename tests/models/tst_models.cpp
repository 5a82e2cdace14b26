#include "ModelRegistry.h"

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
    spec.architecture = architecture.toStdString();
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
    spec.architecture = architecture.toStdString();
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
    spec.architecture = "resnet50v2";
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
    custom.architecture = "cnn";
    custom.filters1 = 8;
    custom.filters2 = 4;
    custom.hiddenUnits = 10;
    custom.imageSize = 16;
    // conv1 1*9*8+8, conv2 8*9*4+4, dense 4*4*4*10+10, out 10*3+3
    QCOMPARE(parameterCount(*createModel(custom)), std::int64_t{80 + 292 + 650 + 33});
}

void ModelsTest::rejectsUnknownOrBadSpecs()
{
    ModelSpec unknown;
    unknown.architecture = "resnet9000";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, createModel(unknown));
    ModelSpec odd;
    odd.imageSize = 30;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, createModel(odd));
}

QTEST_APPLESS_MAIN(ModelsTest)
#include "tst_models.moc"
