#include "TrainingSettingsForm.h"

#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"
#include "training/TrainingSettings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace neurodx::ui {

namespace {

// Widgets made from a setting's declaration: named after it, its range, its help as the tooltip.
const TrainingSetting& declared(const char* name)
{
    return trainingSetting(name);
}

QString labelOf(const char* name)
{
    return QCoreApplication::translate("TrainingSetting", declared(name).formLabel.c_str());
}

QString helpOf(const TrainingSetting& setting)
{
    return QCoreApplication::translate("TrainingSetting", setting.help.c_str());
}

QSpinBox* spinFor(const char* name)
{
    const TrainingSetting& setting = declared(name);
    auto* box = new QSpinBox;
    box->setObjectName(QString::fromLatin1(name));
    box->setRange(static_cast<int>(setting.minimum), static_cast<int>(setting.maximum));
    box->setToolTip(helpOf(setting));
    return box;
}

QDoubleSpinBox* realFor(const char* name, int decimals, double step)
{
    const TrainingSetting& setting = declared(name);
    auto* box = new QDoubleSpinBox;
    box->setObjectName(QString::fromLatin1(name));
    box->setDecimals(decimals);
    box->setRange(setting.minimum, setting.maximum);
    box->setSingleStep(step);
    box->setToolTip(helpOf(setting));
    return box;
}

QCheckBox* checkFor(const char* name)
{
    const TrainingSetting& setting = declared(name);
    auto* box = new QCheckBox(labelOf(name));
    box->setObjectName(QString::fromLatin1(name));
    box->setToolTip(helpOf(setting));
    return box;
}

QComboBox* comboFor(const char* name)
{
    const TrainingSetting& setting = declared(name);
    auto* box = new QComboBox;
    box->setObjectName(QString::fromLatin1(name));
    for (const std::string& choice : setting.choices)
        box->addItem(QString::fromStdString(choice), QString::fromStdString(choice));
    box->setToolTip(helpOf(setting));
    return box;
}

} // namespace

TrainingSettingsForm::TrainingSettingsForm(QWidget* parent)
    : QWidget(parent),
      m_architecture(comboFor("model")),
      m_filters1(spinFor("filters1")),
      m_filters2(spinFor("filters2")),
      m_units(spinFor("units")),
      m_dropout(realFor("dropout", 2, 0.1)),
      m_freezeBackbone(checkFor("freeze-backbone")),
      m_weights(new QLineEdit),
      m_freezeWarning(new QLabel),
      m_imageSize(spinFor("image-size")),
      m_channels(new QComboBox),
      m_epochs(spinFor("epochs")),
      m_batchSize(spinFor("batch-size")),
      m_learningRate(realFor("learning-rate", 9, 1e-4)),
      m_earlyStopping(checkFor("early-stopping")),
      m_monitor(comboFor("monitor")),
      m_patience(spinFor("patience")),
      m_reduceLr(checkFor("reduce-lr")),
      m_augment(checkFor("augment")),
      m_horizontalFlip(checkFor("horizontal-flip")),
      m_verticalFlip(checkFor("vertical-flip")),
      m_rotation(realFor("rotation", 1, 1.0)),
      m_classWeights(comboFor("class-weights")),
      m_threads(spinFor("threads")),
      m_bf16(checkFor("bf16")),
      m_seed(spinFor("seed"))
{
    for (int i = 0; i < m_architecture->count(); ++i)
        for (const ModelArchitecture& a : modelArchitectures())
            if (m_architecture->itemData(i).toString().toStdString() == a.name)
                m_architecture->setItemData(i, QString::fromStdString(a.description), Qt::ToolTipRole);
    // Channels: the declaration's range holds 1 and 3, its rule leaves out 2.
    const TrainingSetting& channels = declared("channels");
    m_channels->setObjectName(QStringLiteral("channels"));
    m_channels->setToolTip(helpOf(channels));
    for (long long n = static_cast<long long>(channels.minimum); n <= static_cast<long long>(channels.maximum); ++n)
        if (checkSettingValue(channels, n).empty())
            m_channels->addItem(QString::number(n), static_cast<int>(n));
    m_imageSize->setSingleStep(4);
    // A size the network cannot pool twice is corrected where the user sees it.
    connect(m_imageSize, &QSpinBox::editingFinished, this, [this] {
        const TrainingSetting& size = declared("image-size");
        if (!checkSettingValue(size, static_cast<long long>(m_imageSize->value())).empty())
            m_imageSize->setValue(std::max(static_cast<int>(size.minimum), m_imageSize->value() / 4 * 4));
    });
    if (!cpuSupportsBf16())
        m_bf16->setToolTip(tr("Needs a CPU with AVX512-BF16; this one has none"));
    m_weights->setPlaceholderText(tr("none: train from scratch"));
    m_weights->setMinimumWidth(m_weights->fontMetrics().horizontalAdvance(m_weights->placeholderText()) + 24); // never cut off
    m_freezeWarning->setObjectName(QStringLiteral("freezeWarning"));
    m_freezeWarning->setWordWrap(true);
    m_freezeWarning->setStyleSheet(QStringLiteral("QLabel { color: #842029; }"));
    m_freezeWarning->setText(tr("No weights: a frozen backbone keeps its random values and only the head learns. "
                                "Choose a weights file (e.g. Keras' ImageNet ResNet50V2 .h5) or untick Freeze backbone."));
    m_freezeWarning->hide();
    connect(m_weights, &QLineEdit::textChanged, this, [this] { updateEnabled(); });
    m_weights->setObjectName(QStringLiteral("weights"));
    m_weights->setToolTip(tr("Start from these weights (a NeuroDx model file or TorchScript archive), matched by tensor name"));
    auto* browse = new QPushButton(tr("..."));
    browse->setToolTip(tr("Choose a weight file"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Initial Weights"), m_weights->text(), tr("Weights (*.pt *.pth *.h5);;Keras weights (*.h5);;All files (*)"));
        if (!file.isEmpty())
            m_weights->setText(file);
    });
    auto* weightsRow = new QHBoxLayout;
    weightsRow->setContentsMargins(0, 0, 0, 0);
    weightsRow->addWidget(m_weights, 1);
    weightsRow->addWidget(browse);
    m_rotation->setSuffix(tr(" deg"));
    m_threads->setSpecialValueText(tr("all cores"));

    auto* model = new QGroupBox(tr("Model"));
    auto* modelForm = new QFormLayout(model);
    modelForm->addRow(labelOf("model"), m_architecture);
    modelForm->addRow(labelOf("filters1"), m_filters1);
    modelForm->addRow(labelOf("filters2"), m_filters2);
    modelForm->addRow(labelOf("units"), m_units);
    modelForm->addRow(labelOf("dropout"), m_dropout);
    modelForm->addRow(QString(), m_freezeBackbone);
    modelForm->addRow(tr("Weights"), weightsRow);
    modelForm->addRow(QString(), m_freezeWarning);
    modelForm->addRow(labelOf("image-size"), m_imageSize);
    modelForm->addRow(labelOf("channels"), m_channels);

    auto* optimisation = new QGroupBox(tr("Training"));
    auto* optimisationForm = new QFormLayout(optimisation);
    optimisationForm->addRow(labelOf("epochs"), m_epochs);
    optimisationForm->addRow(labelOf("batch-size"), m_batchSize);
    optimisationForm->addRow(labelOf("learning-rate"), m_learningRate);
    optimisationForm->addRow(m_earlyStopping);
    optimisationForm->addRow(labelOf("monitor"), m_monitor);
    optimisationForm->addRow(labelOf("patience"), m_patience);
    optimisationForm->addRow(m_reduceLr);
    optimisationForm->addRow(labelOf("class-weights"), m_classWeights);

    auto* augmentation = new QGroupBox(tr("Augmentation"));
    auto* augmentationForm = new QFormLayout(augmentation);
    augmentationForm->addRow(m_augment);
    augmentationForm->addRow(m_horizontalFlip);
    augmentationForm->addRow(m_verticalFlip);
    augmentationForm->addRow(labelOf("rotation"), m_rotation);

    auto* compute = new QGroupBox(tr("Compute"));
    auto* computeForm = new QFormLayout(compute);
    computeForm->addRow(labelOf("threads"), m_threads);
    computeForm->addRow(m_bf16);
    computeForm->addRow(labelOf("seed"), m_seed);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(model);
    layout->addWidget(optimisation);
    layout->addWidget(augmentation);
    layout->addWidget(compute);
    layout->addStretch(1);

    setConfig(TrainingConfig{}); // the declared defaults, until loadSettings()

    for (QComboBox* box : {m_architecture})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            emit changed();
        });
    for (QCheckBox* box : {m_freezeBackbone, m_earlyStopping, m_reduceLr, m_augment, m_horizontalFlip, m_verticalFlip, m_bf16})
        connect(box, &QCheckBox::toggled, this, [this] {
            updateEnabled();
            emit changed();
        });
    updateEnabled();
}

void TrainingSettingsForm::showArchitectureSizes()
{
    const QString architecture = m_architecture->currentData().toString();
    if (architecture == m_shownArchitecture)
        return;
    if (m_shownArchitecture == QLatin1String("cnn"))
        m_customSizes = {m_filters1->value(), m_filters2->value(), m_units->value()};
    CnnSizes sizes;
    if (!cnnPresetSizes(architectureFromName(architecture.toStdString()), sizes))
        sizes = m_customSizes;
    m_filters1->setValue(sizes.filters1);
    m_filters2->setValue(sizes.filters2);
    m_units->setValue(sizes.hiddenUnits);
    m_shownArchitecture = architecture;
}

void TrainingSettingsForm::updateEnabled()
{
    const QString architecture = m_architecture->currentData().toString();
    const bool custom = architecture == QLatin1String("cnn");
    showArchitectureSizes();
    m_filters1->setEnabled(custom);
    m_filters2->setEnabled(custom);
    m_units->setEnabled(custom);
    const bool frozenWithoutWeights = architecture == QLatin1String("resnet50v2") && m_freezeBackbone->isChecked() && m_weights->text().trimmed().isEmpty();
    m_freezeWarning->setVisible(frozenWithoutWeights);
    m_freezeWarning->setToolTip(QString::fromStdString(frozenRandomBackboneWarning()));
    m_dropout->setEnabled(architecture != QLatin1String("resnet50v2"));
    m_freezeBackbone->setEnabled(architecture == QLatin1String("resnet50v2"));
    m_patience->setEnabled(m_earlyStopping->isChecked());
    m_monitor->setEnabled(m_earlyStopping->isChecked());
    for (QWidget* w : std::initializer_list<QWidget*>{m_horizontalFlip, m_verticalFlip, m_rotation})
        w->setEnabled(m_augment->isChecked());
    m_bf16->setEnabled(cpuSupportsBf16() || m_bf16->isChecked());
}

TrainingConfig TrainingSettingsForm::config() const
{
    // Each field sets its declared setting; what the form does not show (split, min delta, ...) stays
    // as the last setConfig() gave it.
    TrainingConfig c = m_shownConfig;
    for (const TrainingSetting& setting : trainingSettings()) {
        const QWidget* field = findChild<QWidget*>(QString::fromStdString(setting.name));
        if (const auto* spin = qobject_cast<const QSpinBox*>(field))
            setting.set(c, static_cast<long long>(spin->value()));
        else if (const auto* real = qobject_cast<const QDoubleSpinBox*>(field))
            setting.set(c, real->value());
        else if (const auto* check = qobject_cast<const QCheckBox*>(field))
            setting.set(c, check->isChecked());
        else if (const auto* combo = qobject_cast<const QComboBox*>(field))
            setting.set(c, setting.kind == SettingKind::Integer ? SettingValue(static_cast<long long>(combo->currentData().toInt()))
                                                                : SettingValue(combo->currentData().toString().toStdString()));
    }
    if (!c.bf16) // the form has no field for it: bf16 off means float32 throughout
        c.bf16ConvolutionsOnly = false;
    return c;
}

void TrainingSettingsForm::setConfig(const TrainingConfig& c)
{
    m_shownConfig = c;
    for (const TrainingSetting& setting : trainingSettings()) {
        QWidget* field = findChild<QWidget*>(QString::fromStdString(setting.name));
        const SettingValue value = setting.get(c);
        if (auto* spin = qobject_cast<QSpinBox*>(field))
            spin->setValue(static_cast<int>(std::get<long long>(value)));
        else if (auto* real = qobject_cast<QDoubleSpinBox*>(field))
            real->setValue(std::get<double>(value));
        else if (auto* check = qobject_cast<QCheckBox*>(field))
            check->setChecked(std::get<bool>(value));
        else if (auto* combo = qobject_cast<QComboBox*>(field)) {
            const int index = setting.kind == SettingKind::Integer ? combo->findData(static_cast<int>(std::get<long long>(value)))
                                                                   : combo->findData(QString::fromStdString(std::get<std::string>(value)));
            combo->setCurrentIndex(std::max(index, 0));
        }
    }
    m_bf16->setChecked(c.bf16 && cpuSupportsBf16());
    m_customSizes = {c.model.filters1, c.model.filters2, c.model.hiddenUnits};
    m_shownArchitecture.clear(); // updateEnabled() below shows the preset's or these sizes
    updateEnabled();
    emit changed();
}

QString TrainingSettingsForm::initialWeights() const
{
    return m_weights->text().trimmed();
}

void TrainingSettingsForm::setInitialWeights(const QString& file)
{
    m_weights->setText(file);
}

void TrainingSettingsForm::loadSettings()
{
    const QSettings settings;
    TrainingConfig c;
    const QString before = settings.value(QStringLiteral("training/config")).toString(); // versions before the declarations
    if (!before.isEmpty()) {
        try {
            c = trainingConfigFromJson(nlohmann::json::parse(before.toStdString()));
        } catch (const std::exception&) {
            // damaged or another version's: the defaults
        }
    }
    for (const TrainingSetting& setting : trainingSettings()) {
        const QString key = QString::fromStdString(setting.persistedKey());
        if (!settings.contains(key))
            continue;
        try {
            setting.set(c, parseSettingValue(setting, settings.value(key).toString().toStdString()));
        } catch (const NeuroDxError&) {
            // out of today's range (another version's): the default stays
        }
    }
    setConfig(c);
    m_weights->setText(settings.value(QStringLiteral("training/weights")).toString());
}

void TrainingSettingsForm::saveSettings() const
{
    // The user's own CNN sizes are remembered even while a preset's are shown (and go into config()).
    TrainingConfig remembered = config();
    if (m_shownArchitecture != QLatin1String("cnn")) {
        remembered.model.filters1 = m_customSizes.filters1;
        remembered.model.filters2 = m_customSizes.filters2;
        remembered.model.hiddenUnits = m_customSizes.hiddenUnits;
    }
    QSettings settings;
    for (const TrainingSetting& setting : trainingSettings())
        settings.setValue(QString::fromStdString(setting.persistedKey()), QString::fromStdString(settingValueText(setting.get(remembered))));
    settings.remove(QStringLiteral("training/config"));
    settings.setValue(QStringLiteral("training/weights"), initialWeights());
}

} // namespace neurodx::ui
