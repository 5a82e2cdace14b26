#include "TrainingSettingsForm.h"

#include "common/ComputeSetup.h"

#include <QCheckBox>
#include <QComboBox>
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

QSpinBox* spin(int low, int high, const QString& tip)
{
    auto* box = new QSpinBox;
    box->setRange(low, high);
    box->setToolTip(tip);
    return box;
}

QCheckBox* check(const QString& text, const QString& tip)
{
    auto* box = new QCheckBox(text);
    box->setToolTip(tip);
    return box;
}

} // namespace

TrainingSettingsForm::TrainingSettingsForm(QWidget* parent)
    : QWidget(parent),
      m_architecture(new QComboBox),
      m_filters1(spin(1, 512, tr("Filters of the first convolution (custom CNN)"))),
      m_filters2(spin(1, 512, tr("Filters of the second convolution (custom CNN)"))),
      m_units(spin(1, 8192, tr("Units of the hidden dense layer (custom CNN)"))),
      m_dropout(new QDoubleSpinBox),
      m_freezeBackbone(check(tr("Freeze backbone"), tr("ResNet50V2 (--freeze-backbone): keep the backbone fixed and train the head only, "
                                                       "as the seed's transfer model did; needs weights to start from"))),
      m_weights(new QLineEdit),
      m_freezeWarning(new QLabel),
      m_imageSize(spin(16, 1024, tr("Slices are resized to this square side (the seed: 256)"))),
      m_channels(spin(1, 3, tr("1: grey (default); 3: grey copied three times, for ImageNet-style weights"))),
      m_epochs(spin(1, 10000, tr("Maximum number of epochs (early stopping may end sooner)"))),
      m_batchSize(spin(1, 4096, tr("Slices per batch (the seed: 32)"))),
      m_learningRate(new QDoubleSpinBox),
      m_earlyStopping(check(tr("Early stopping"), tr("Stop when the validation loss has not improved for 'patience' epochs and restore the best weights"))),
      m_patience(spin(1, 1000, tr("Epochs without improvement before stopping"))),
      m_reduceLr(check(tr("Reduce learning rate on plateau"), tr("Divide the learning rate by 10 when the validation loss stalls for 3 epochs"))),
      m_augment(check(tr("Augmentation"), tr("Random flips and rotations of training slices (never of validation or test)"))),
      m_horizontalFlip(check(tr("Horizontal flip"), tr("Mirror left-right at random"))),
      m_verticalFlip(check(tr("Vertical flip"), tr("Mirror top-bottom at random (the seed did)"))),
      m_rotation(new QDoubleSpinBox),
      m_classWeights(check(tr("Balanced class weights"), tr("Weigh the loss by inverse class frequency (Keras' class_weight='balanced')"))),
      m_threads(spin(0, 1024, tr("Compute threads; 0 = all %1 cores").arg(QThread::idealThreadCount()))),
      m_bf16(check(tr("bfloat16 mixed precision"), cpuSupportsBf16() ? tr("Faster on this CPU (AVX512-BF16); weights stay float32")
                                                                      : tr("Needs a CPU with AVX512-BF16; this one has none"))),
      m_seed(spin(0, 999999, tr("Seeds initial weights, shuffling and augmentation: the same seed gives the same run")))
{
    for (const ModelArchitecture& a : modelArchitectures())
        m_architecture->addItem(QString::fromStdString(a.name), QString::fromStdString(a.name));
    for (int i = 0; i < m_architecture->count(); ++i)
        m_architecture->setItemData(i, QString::fromStdString(modelArchitectures()[static_cast<std::size_t>(i)].description), Qt::ToolTipRole);
    m_architecture->setToolTip(tr("vanilla and tuned: the seed's CNNs; cnn: your own filters and units; resnet50v2: the transfer model"));
    m_dropout->setRange(0.0, 0.9);
    m_dropout->setSingleStep(0.1);
    m_dropout->setToolTip(tr("Dropout after the hidden dense layer (CNNs)"));
    m_weights->setPlaceholderText(tr("none: train from scratch"));
    m_weights->setMinimumWidth(m_weights->fontMetrics().horizontalAdvance(m_weights->placeholderText()) + 24); // never cut off
    m_freezeWarning->setObjectName(QStringLiteral("freezeWarning"));
    m_freezeWarning->setWordWrap(true);
    m_freezeWarning->setStyleSheet(QStringLiteral("QLabel { color: #842029; }"));
    m_freezeWarning->setText(tr("No weights: a frozen backbone keeps its random values and only the head learns. "
                                "Choose a weights file (e.g. Keras' ImageNet ResNet50V2 .h5) or untick Freeze backbone."));
    m_freezeWarning->hide();
    connect(m_weights, &QLineEdit::textChanged, this, [this] { updateEnabled(); });
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
    m_learningRate->setDecimals(6);
    m_learningRate->setRange(1e-6, 1.0);
    m_learningRate->setSingleStep(1e-4);
    m_learningRate->setToolTip(tr("Adam's learning rate (Keras' default 0.001)"));
    m_rotation->setRange(0, 180);
    m_rotation->setSuffix(tr(" deg"));
    m_rotation->setToolTip(tr("Largest random rotation (the seed's RandomRotation(0.1) = 36 degrees)"));
    m_threads->setSpecialValueText(tr("all cores"));

    auto* model = new QGroupBox(tr("Model"));
    auto* modelForm = new QFormLayout(model);
    modelForm->addRow(tr("Architecture"), m_architecture);
    modelForm->addRow(tr("Filters 1 / 2"), [&] {
        auto* w = new QWidget;
        auto* l = new QHBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(m_filters1);
        l->addWidget(m_filters2);
        return w;
    }());
    modelForm->addRow(tr("Dense units"), m_units);
    modelForm->addRow(tr("Dropout"), m_dropout);
    modelForm->addRow(QString(), m_freezeBackbone);
    modelForm->addRow(tr("Weights"), weightsRow);
    modelForm->addRow(QString(), m_freezeWarning);
    modelForm->addRow(tr("Image size"), m_imageSize);
    modelForm->addRow(tr("Channels"), m_channels);

    auto* optimisation = new QGroupBox(tr("Training"));
    auto* optimisationForm = new QFormLayout(optimisation);
    optimisationForm->addRow(tr("Epochs"), m_epochs);
    optimisationForm->addRow(tr("Batch size"), m_batchSize);
    optimisationForm->addRow(tr("Learning rate"), m_learningRate);
    optimisationForm->addRow(m_earlyStopping);
    optimisationForm->addRow(tr("Patience"), m_patience);
    optimisationForm->addRow(m_reduceLr);
    optimisationForm->addRow(m_classWeights);

    auto* augmentation = new QGroupBox(tr("Augmentation"));
    auto* augmentationForm = new QFormLayout(augmentation);
    augmentationForm->addRow(m_augment);
    augmentationForm->addRow(m_horizontalFlip);
    augmentationForm->addRow(m_verticalFlip);
    augmentationForm->addRow(tr("Rotation"), m_rotation);

    auto* compute = new QGroupBox(tr("Compute"));
    auto* computeForm = new QFormLayout(compute);
    computeForm->addRow(tr("Threads"), m_threads);
    computeForm->addRow(m_bf16);
    computeForm->addRow(tr("Seed"), m_seed);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(model);
    layout->addWidget(optimisation);
    layout->addWidget(augmentation);
    layout->addWidget(compute);
    layout->addStretch(1);

    TrainingConfig defaults;
    defaults.model.architecture = "tuned";
    defaults.input.size = 128;
    defaults.epochs = 12;
    const QSettings settings;
    const QString saved = settings.value(QStringLiteral("training/config")).toString();
    if (!saved.isEmpty()) {
        try {
            defaults = trainingConfigFromJson(nlohmann::json::parse(saved.toStdString()));
        } catch (const std::exception&) {
            // settings from another version: keep the defaults
        }
    }
    setConfig(defaults);
    m_weights->setText(settings.value(QStringLiteral("training/weights")).toString());

    for (QComboBox* box : {m_architecture})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            emit changed();
        });
    for (QCheckBox* box : {m_freezeBackbone, m_earlyStopping, m_reduceLr, m_augment, m_horizontalFlip, m_verticalFlip, m_classWeights, m_bf16})
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
    if (!cnnPresetSizes(architecture.toStdString(), sizes))
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
    for (QWidget* w : std::initializer_list<QWidget*>{m_horizontalFlip, m_verticalFlip, m_rotation})
        w->setEnabled(m_augment->isChecked());
    m_bf16->setEnabled(cpuSupportsBf16() || m_bf16->isChecked());
}

TrainingConfig TrainingSettingsForm::config() const
{
    TrainingConfig c;
    c.model.architecture = m_architecture->currentData().toString().toStdString();
    c.model.filters1 = m_filters1->value();
    c.model.filters2 = m_filters2->value();
    c.model.hiddenUnits = m_units->value();
    c.model.dropout = m_dropout->value();
    c.model.freezeBackbone = m_freezeBackbone->isChecked();
    c.input.size = m_imageSize->value();
    c.input.channels = m_channels->value() >= 2 ? 3 : 1;
    c.model.imageSize = c.input.size;
    c.model.inputChannels = c.input.channels;
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    c.learningRate = m_learningRate->value();
    c.earlyStopping.enabled = m_earlyStopping->isChecked();
    c.earlyStopping.patience = m_patience->value();
    c.reduceLr.enabled = m_reduceLr->isChecked();
    c.augment = m_augment->isChecked();
    c.augmentation.horizontalFlip = m_horizontalFlip->isChecked();
    c.augmentation.verticalFlip = m_verticalFlip->isChecked();
    c.augmentation.maxRotationDegrees = m_rotation->value();
    c.balancedClassWeights = m_classWeights->isChecked();
    c.threads = m_threads->value();
    c.bf16 = m_bf16->isChecked();
    c.seed = static_cast<std::uint64_t>(m_seed->value());
    return c;
}

void TrainingSettingsForm::setConfig(const TrainingConfig& c)
{
    const int index = m_architecture->findData(QString::fromStdString(c.model.architecture));
    m_architecture->setCurrentIndex(index >= 0 ? index : 0);
    m_filters1->setValue(c.model.filters1);
    m_filters2->setValue(c.model.filters2);
    m_units->setValue(c.model.hiddenUnits);
    m_customSizes = {c.model.filters1, c.model.filters2, c.model.hiddenUnits};
    m_shownArchitecture.clear(); // updateEnabled() below shows the preset's or these sizes
    m_dropout->setValue(c.model.dropout);
    m_freezeBackbone->setChecked(c.model.freezeBackbone);
    m_imageSize->setValue(c.input.size);
    m_channels->setValue(c.input.channels);
    m_epochs->setValue(c.epochs);
    m_batchSize->setValue(c.batchSize);
    m_learningRate->setValue(c.learningRate);
    m_earlyStopping->setChecked(c.earlyStopping.enabled);
    m_patience->setValue(c.earlyStopping.patience);
    m_reduceLr->setChecked(c.reduceLr.enabled);
    m_augment->setChecked(c.augment);
    m_horizontalFlip->setChecked(c.augmentation.horizontalFlip);
    m_verticalFlip->setChecked(c.augmentation.verticalFlip);
    m_rotation->setValue(c.augmentation.maxRotationDegrees);
    m_classWeights->setChecked(c.balancedClassWeights);
    m_threads->setValue(c.threads);
    m_bf16->setChecked(c.bf16 && cpuSupportsBf16());
    m_seed->setValue(static_cast<int>(c.seed));
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
    settings.setValue(QStringLiteral("training/config"), QString::fromStdString(toJson(remembered).dump()));
    settings.setValue(QStringLiteral("training/weights"), initialWeights());
}

} // namespace neurodx::ui
