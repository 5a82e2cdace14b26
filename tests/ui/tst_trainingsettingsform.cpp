// The training form says what will be trained: a preset's real layer sizes (greyed), the user's own
// sizes back for "cnn", the CLI's words, a visible warning for a frozen backbone without weights,
// and fields wide enough for their placeholder text. Each field is its setting's declaration
// (label, range, choices, tooltip, default: core/training/TrainingSettings.h, the CLI's side in
// tst_trainingsettings), and the remembered settings are read and written only when asked.
#include "IsolatedSettings.h"

#include "TrainingSettingsForm.h"
#include "training/TrainingSettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace neurodx;
using namespace neurodx::ui;
using neurodx::test::IsolatedSettings;

namespace {

// The user's own CNN: 8 / 12 filters, 24 units.
void chooseOwnCnn(TrainingSettingsForm& form)
{
    TrainingConfig custom = form.config();
    custom.model.architecture = neurodx::Architecture::Cnn;
    custom.model.filters1 = 8;
    custom.model.filters2 = 12;
    custom.model.hiddenUnits = 24;
    form.setConfig(custom);
}

} // namespace

class TrainingSettingsFormTest : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void presetsShowTheirRealSizes_data();
    void presetsShowTheirRealSizes();
    void frozenBackboneWithoutWeightsWarns();
    void wordsAndWidths();
    void ownSizesSurviveARestartOnAPreset();
    void fieldsAreTheDeclarations_data();
    void fieldsAreTheDeclarations();
    void settingsAreReadAndWrittenOnlyWhenAsked();
    void settingsOfEarlierVersionsAreRead();
    void float32MeansFloat32Throughout();

private:
    std::optional<IsolatedSettings> m_settings;
};

void TrainingSettingsFormTest::init()
{
    m_settings.emplace();
}

void TrainingSettingsFormTest::cleanup()
{
    m_settings.reset();
}

void TrainingSettingsFormTest::presetsShowTheirRealSizes_data()
{
    QTest::addColumn<QString>("architecture");
    QTest::addColumn<QList<int>>("shown");
    QTest::addColumn<bool>("editable");
    QTest::newRow("vanilla") << "vanilla" << QList<int>{32, 64, 64} << false;
    QTest::newRow("tuned (16/16/320, not the vanilla sizes)") << "tuned" << QList<int>{16, 16, 320} << false;
    QTest::newRow("cnn: the user's own sizes come back") << "cnn" << QList<int>{8, 12, 24} << true;
}

void TrainingSettingsFormTest::presetsShowTheirRealSizes()
{
    QFETCH(QString, architecture);
    QFETCH(QList<int>, shown);
    QFETCH(bool, editable);
    TrainingSettingsForm form;
    chooseOwnCnn(form);
    auto* box = form.findChild<QComboBox*>("model");
    QVERIFY(box);
    // Through a preset and to the row under test, as a user clicks.
    box->setCurrentIndex(box->findData(QStringLiteral("tuned")));
    box->setCurrentIndex(box->findData(architecture));
    const QList<QSpinBox*> spins = form.findChildren<QSpinBox*>();
    const TrainingConfig c = form.config();
    QCOMPARE(QList<int>({c.model.filters1, c.model.filters2, c.model.hiddenUnits}), shown);
    int shownEnabled = 0;
    for (QSpinBox* spin : spins)
        if (shown.contains(spin->value()) && spin->toolTip().contains("custom CNN"))
            shownEnabled += spin->isEnabled() ? 1 : 0;
    QCOMPARE(shownEnabled, editable ? 3 : 0);
}

void TrainingSettingsFormTest::frozenBackboneWithoutWeightsWarns()
{
    TrainingSettingsForm form;
    form.resize(420, 900);
    form.show();
    auto* box = form.findChild<QComboBox*>("model");
    auto* warning = form.findChild<QLabel*>("freezeWarning");
    QCheckBox* freeze = nullptr;
    for (QCheckBox* check : form.findChildren<QCheckBox*>())
        if (check->text() == QLatin1String("Freeze backbone")) // the CLI's --freeze-backbone, in the same words
            freeze = check;
    QVERIFY(box && warning && freeze);
    box->setCurrentIndex(box->findData(QStringLiteral("resnet50v2")));
    form.setInitialWeights(QString());
    freeze->setChecked(false);
    QVERIFY(!warning->isVisible());
    freeze->setChecked(true);
    QVERIFY(warning->isVisible());
    QVERIFY(warning->text().contains("only the head learns"));
    const QString out = QDir(QCoreApplication::applicationDirPath()).filePath("screenshots");
    QDir().mkpath(out);
    QVERIFY(form.grab().save(out + "/form-frozen-without-weights.png"));
    form.setInitialWeights(QStringLiteral("/data/resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"));
    QVERIFY(!warning->isVisible());
    form.setInitialWeights(QString());
    box->setCurrentIndex(box->findData(QStringLiteral("vanilla"))); // nothing to freeze
    QVERIFY(!warning->isVisible());
}

void TrainingSettingsFormTest::wordsAndWidths()
{
    TrainingSettingsForm form;
    form.resize(form.minimumSizeHint());
    form.show();
    auto* weights = form.findChild<QLineEdit*>();
    QVERIFY(weights);
    QVERIFY2(weights->width() >= weights->fontMetrics().horizontalAdvance(weights->placeholderText()) + 8,
             qPrintable(QString("%1 px for '%2'").arg(weights->width()).arg(weights->placeholderText())));
}

void TrainingSettingsFormTest::ownSizesSurviveARestartOnAPreset()
{
    {
        TrainingSettingsForm form;
        chooseOwnCnn(form);
        auto* box = form.findChild<QComboBox*>("model");
        box->setCurrentIndex(box->findData(QStringLiteral("tuned")));
        QCOMPARE(form.config().model.hiddenUnits, 320); // what a run with "tuned" trains
        form.saveSettings();
    }
    TrainingSettingsForm restarted;
    restarted.loadSettings();
    QCOMPARE(QString::fromLatin1(architectureName(restarted.config().model.architecture)), QStringLiteral("tuned"));
    QCOMPARE(restarted.config().model.hiddenUnits, 320);
    auto* box = restarted.findChild<QComboBox*>("model");
    box->setCurrentIndex(box->findData(QStringLiteral("cnn")));
    const TrainingConfig c = restarted.config();
    QCOMPARE(QList<int>({c.model.filters1, c.model.filters2, c.model.hiddenUnits}), QList<int>({8, 12, 24}));
}

void TrainingSettingsFormTest::fieldsAreTheDeclarations_data()
{
    QTest::addColumn<QString>("name");
    for (const TrainingSetting& s : trainingSettings())
        if (!s.formLabel.empty())
            QTest::newRow(s.name.c_str()) << QString::fromStdString(s.name);
}

// Label, range or choices, tooltip and the value a fresh form shows: each the declaration's.
void TrainingSettingsFormTest::fieldsAreTheDeclarations()
{
    QFETCH(QString, name);
    const TrainingSetting& s = trainingSetting(name.toStdString());
    TrainingSettingsForm form;
    QWidget* field = form.findChild<QWidget*>(name);
    QVERIFY2(field, "no field is named after the setting");
    const QString label = QString::fromStdString(s.formLabel);
    const QString shownDefault = QString::fromStdString(settingValueText(defaultValue(s)));
    if (auto* check = qobject_cast<QCheckBox*>(field)) {
        QCOMPARE(check->text(), label);
        if (name != QLatin1String("bf16")) // without AVX512-BF16 it says why it is off instead
            QCOMPARE(check->toolTip(), QString::fromStdString(s.help));
        if (name != QLatin1String("bf16"))
            QCOMPARE(check->isChecked(), std::get<bool>(defaultValue(s)));
        return;
    }
    QCOMPARE(field->toolTip(), QString::fromStdString(s.help));
    QLabel* rowLabel = nullptr;
    for (QFormLayout* layout : form.findChildren<QFormLayout*>())
        if (QWidget* l = layout->labelForField(field))
            rowLabel = qobject_cast<QLabel*>(l);
    QVERIFY2(rowLabel, "the field has no row label");
    QCOMPARE(rowLabel->text(), label);
    if (auto* spin = qobject_cast<QSpinBox*>(field)) {
        QCOMPARE(spin->minimum(), static_cast<int>(s.minimum));
        QCOMPARE(spin->maximum(), static_cast<int>(s.maximum));
        if (name != QLatin1String("filters1") && name != QLatin1String("filters2") && name != QLatin1String("units")) // a preset's sizes show
            QCOMPARE(QString::number(spin->value()), shownDefault);
    } else if (auto* real = qobject_cast<QDoubleSpinBox*>(field)) {
        QCOMPARE(real->minimum(), s.minimum);
        QCOMPARE(real->maximum(), s.maximum);
        QCOMPARE(real->value(), std::get<double>(defaultValue(s)));
    } else if (auto* combo = qobject_cast<QComboBox*>(field)) {
        QStringList offered, declared;
        for (int i = 0; i < combo->count(); ++i)
            offered << combo->itemData(i).toString();
        if (s.kind == SettingKind::Choice) {
            for (const std::string& choice : s.choices)
                declared << QString::fromStdString(choice);
        } else { // whole numbers: those of the range its rule allows
            for (long long n = static_cast<long long>(s.minimum); n <= static_cast<long long>(s.maximum); ++n)
                if (checkSettingValue(s, n).empty())
                    declared << QString::number(n);
        }
        QCOMPARE(offered, declared);
        QCOMPARE(combo->currentData().toString(), shownDefault);
    } else {
        QFAIL("a field of a kind this test does not know");
    }
}

void TrainingSettingsFormTest::settingsAreReadAndWrittenOnlyWhenAsked()
{
    const int declaredEpochs = static_cast<int>(std::get<long long>(defaultValue(trainingSetting("epochs"))));
    {
        TrainingSettingsForm form;
        form.findChild<QSpinBox*>("epochs")->setValue(declaredEpochs + 7);
    }
    QVERIFY(!QSettings().contains("training/epochs")); // an edit alone writes nothing
    {
        TrainingSettingsForm form;
        form.findChild<QSpinBox*>("epochs")->setValue(declaredEpochs + 7);
        form.saveSettings();
    }
    QCOMPARE(QSettings().value("training/epochs").toString(), QString::number(declaredEpochs + 7));
    TrainingSettingsForm fresh; // a constructor reads nothing
    QCOMPARE(fresh.config().epochs, declaredEpochs);
    fresh.loadSettings();
    QCOMPARE(fresh.config().epochs, declaredEpochs + 7);
    // A remembered value today's declaration refuses (another version's) leaves the default.
    QSettings().setValue("training/epochs", "0");
    QSettings().setValue("training/model", "resnet9000");
    TrainingSettingsForm damaged;
    damaged.loadSettings();
    QCOMPARE(damaged.config().epochs, declaredEpochs);
    QCOMPARE(QString::fromLatin1(architectureName(damaged.config().model.architecture)), QStringLiteral("vanilla"));
}

// Before the declarations the form kept one JSON value, "training/config".
void TrainingSettingsFormTest::settingsOfEarlierVersionsAreRead()
{
    TrainingConfig before;
    before.epochs = 33;
    before.model.architecture = neurodx::Architecture::Tuned;
    QSettings().setValue("training/config", QString::fromStdString(toJson(before).dump()));
    TrainingSettingsForm form;
    form.loadSettings();
    QCOMPARE(form.config().epochs, 33);
    QCOMPARE(QString::fromLatin1(architectureName(form.config().model.architecture)), QStringLiteral("tuned"));
    form.saveSettings(); // now one key a setting, the old value gone
    QVERIFY(!QSettings().contains("training/config"));
    QCOMPARE(QSettings().value("training/epochs").toString(), QStringLiteral("33"));
}

// A run trained with --bf16-convolutions, shown and then set to float32, stays float32 when saved
// and read back (the form has no field for the convolutions-only choice).
void TrainingSettingsFormTest::float32MeansFloat32Throughout()
{
    TrainingConfig mixed;
    mixed.bf16 = false;
    mixed.bf16ConvolutionsOnly = true;
    TrainingSettingsForm form;
    form.setConfig(mixed);
    QVERIFY(!form.config().bf16ConvolutionsOnly);
    form.saveSettings();
    TrainingSettingsForm restarted;
    restarted.loadSettings();
    QVERIFY(!restarted.config().bf16);
    QVERIFY(!restarted.config().bf16ConvolutionsOnly);
}

QTEST_MAIN(TrainingSettingsFormTest)
#include "tst_trainingsettingsform.moc"
