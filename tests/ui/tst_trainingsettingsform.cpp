// The training form says what will be trained: a preset's real layer sizes (greyed), the user's own
// sizes back for "cnn", the CLI's words, a visible warning for a frozen backbone without weights,
// and fields wide enough for their placeholder text.
#include "IsolatedSettings.h"

#include "TrainingSettingsForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QtTest>

using namespace neurodx;
using namespace neurodx::ui;
using neurodx::test::IsolatedSettings;

namespace {

// The user's own CNN: 8 / 12 filters, 24 units.
void chooseOwnCnn(TrainingSettingsForm& form)
{
    TrainingConfig custom = form.config();
    custom.model.architecture = "cnn";
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
    auto* box = form.findChild<QComboBox*>();
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
    auto* box = form.findChild<QComboBox*>();
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
        auto* box = form.findChild<QComboBox*>();
        box->setCurrentIndex(box->findData(QStringLiteral("tuned")));
        QCOMPARE(form.config().model.hiddenUnits, 320); // what a run with "tuned" trains
        form.saveSettings();
    }
    TrainingSettingsForm restarted; // reads the saved settings
    QCOMPARE(QString::fromStdString(restarted.config().model.architecture), QStringLiteral("tuned"));
    QCOMPARE(restarted.config().model.hiddenUnits, 320);
    auto* box = restarted.findChild<QComboBox*>();
    box->setCurrentIndex(box->findData(QStringLiteral("cnn")));
    const TrainingConfig c = restarted.config();
    QCOMPARE(QList<int>({c.model.filters1, c.model.filters2, c.model.hiddenUnits}), QList<int>({8, 12, 24}));
}

QTEST_MAIN(TrainingSettingsFormTest)
#include "tst_trainingsettingsform.moc"
