#pragma once

#include "training/TrainingConfig.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace neurodx::ui {

// Every choice a training starts from: model (and its filters/units/dropout or a weight file),
// input size, epochs, batch, learning rate, early stopping, augmentation, class weights, threads,
// bf16. Each field takes its label, range and tooltip from its declaration in core
// (training/TrainingSettings.h) and is named after it (objectName), so the form cannot disagree with
// the CLI. Reads and writes a TrainingConfig (the split comes from the dataset page); starts from the
// declared defaults and reads or writes the remembered choices only when asked (loadSettings,
// saveSettings).
class TrainingSettingsForm final : public QWidget {
    Q_OBJECT
public:
    explicit TrainingSettingsForm(QWidget* parent = nullptr);

    TrainingConfig config() const;
    void setConfig(const TrainingConfig& config);
    QString initialWeights() const;
    void setInitialWeights(const QString& file);
    // Each setting under its declared key (QSettings "training/<name>"); values that are not valid
    // any more (another version's) keep the default. Settings of versions before the declarations
    // (one JSON value, "training/config") are still read.
    void loadSettings();
    void saveSettings() const;

signals:
    void changed();

private:
    void updateEnabled();
    void showArchitectureSizes(); // a preset's real sizes, greyed; the user's own back for "cnn"

    QComboBox* m_architecture;
    QSpinBox* m_filters1;
    QSpinBox* m_filters2;
    QSpinBox* m_units;
    QDoubleSpinBox* m_dropout;
    QCheckBox* m_freezeBackbone;
    QLineEdit* m_weights;
    QLabel* m_freezeWarning; // a frozen backbone without weights: only the head learns, on random features
    CnnSizes m_customSizes{32, 64, 64}; // the "cnn" sizes while a preset's are shown
    TrainingConfig m_shownConfig;       // what setConfig() gave: the settings the form does not show
    QString m_shownArchitecture;
    QSpinBox* m_imageSize;
    QComboBox* m_channels;
    QSpinBox* m_epochs;
    QSpinBox* m_batchSize;
    QDoubleSpinBox* m_learningRate;
    QCheckBox* m_earlyStopping;
    QComboBox* m_monitor;
    QSpinBox* m_patience;
    QCheckBox* m_reduceLr;
    QCheckBox* m_augment;
    QCheckBox* m_horizontalFlip;
    QCheckBox* m_verticalFlip;
    QDoubleSpinBox* m_rotation;
    QComboBox* m_classWeights;
    QSpinBox* m_threads;
    QCheckBox* m_bf16;
    QSpinBox* m_seed;
};

} // namespace neurodx::ui
