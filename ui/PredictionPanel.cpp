#include "PredictionPanel.h"

#include "ClassColors.h"

#include "common/Version.h"
#include "inference/Prediction.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QTextDocument>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

QLabel* warningLabel(const QString& objectName)
{
    auto* label = new QLabel;
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 6px; border-radius: 4px; }"));
    label->hide();
    return label;
}

QFont resultFont(QFont font)
{
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    return font;
}

} // namespace

PredictionPanel::PredictionPanel(QWidget* parent)
    : QWidget(parent),
      m_scanBox(new QGroupBox(tr("Scan"))),
      m_scanResult(new QLabel),
      m_scanDetail(new QLabel),
      m_scanWarnings(warningLabel(QStringLiteral("scanWarnings"))),
      m_predictionBox(new QGroupBox(tr("Prediction"))),
      m_model(new QLabel(tr("No model loaded."))),
      m_chooseModel(new QPushButton(tr("Model..."))),
      m_barsLayout(new QVBoxLayout),
      m_outlier(warningLabel(QStringLiteral("outlierWarning"))),
      m_result(new QLabel),
      m_warnings(warningLabel(QStringLiteral("predictionWarnings"))),
      m_calibration(new QLabel),
      m_calibrated(new QCheckBox(tr("Calibrated probabilities"))),
      m_showHeatmap(new QCheckBox(tr("Show where the model looked (Grad-CAM)"))),
      m_opacity(new QSlider(Qt::Horizontal)),
      m_saliencyClass(new QComboBox)
{
    setObjectName(QStringLiteral("predictionPanel"));
    m_model->setWordWrap(true);
    m_model->setObjectName(QStringLiteral("modelSummary"));
    m_model->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_chooseModel->setToolTip(tr("Choose the model file to predict with (a run's best.pt)"));
    connect(m_chooseModel, &QPushButton::clicked, this, &PredictionPanel::chooseModelRequested);
    m_result->setObjectName(QStringLiteral("predictionResult"));
    m_result->setWordWrap(true);
    m_result->setFont(resultFont(m_result->font()));
    m_scanResult->setObjectName(QStringLiteral("scanResult"));
    m_scanResult->setWordWrap(true);
    m_scanResult->setFont(resultFont(m_scanResult->font()));
    m_scanResult->setToolTip(tr("The scan's verdict: the mean of the probabilities of the slices the model was trained on, "
                                "as subject-level evaluation aggregates"));
    m_scanDetail->setObjectName(QStringLiteral("scanDetail"));
    m_scanDetail->setWordWrap(true);
    m_showHeatmap->setChecked(true);
    m_showHeatmap->setToolTip(tr("Overlay the Grad-CAM map of the last convolutional block (H)"));
    m_showHeatmap->setShortcut(QKeySequence(Qt::Key_H));
    connect(m_showHeatmap, &QCheckBox::toggled, this, &PredictionPanel::heatmapVisibilityChanged);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(45);
    m_opacity->setToolTip(tr("Opacity of the heatmap"));
    connect(m_opacity, &QSlider::valueChanged, this, [this](int v) { emit heatmapOpacityChanged(v / 100.0); });
    m_saliencyClass->setToolTip(tr("The class whose evidence the heatmap shows"));
    connect(m_saliencyClass, &QComboBox::activated, this, [this] { emit saliencyClassChanged(saliencyClass()); });

    auto* modelBox = new QGroupBox(tr("Model"));
    auto* modelLayout = new QHBoxLayout(modelBox);
    modelLayout->addWidget(m_model, 1);
    modelLayout->addWidget(m_chooseModel, 0, Qt::AlignTop);
    auto* scanLayout = new QVBoxLayout(m_scanBox);
    scanLayout->addWidget(m_scanResult);
    scanLayout->addWidget(m_scanDetail);
    scanLayout->addWidget(m_scanWarnings);
    m_scanBox->setObjectName(QStringLiteral("scanBox"));
    m_scanBox->hide();
    m_outlier->setStyleSheet(QStringLiteral("QLabel { background: #f8d7da; color: #58151c; padding: 6px; border-radius: 4px; font-weight: bold; }"));
    m_outlier->setToolTip(tr("The model's own features for this image are farther from its training slices than 99% of its validation slices: "
                             "the image is unlike anything it was trained on, so its probabilities mean little"));
    m_calibration->setObjectName(QStringLiteral("calibrationText"));
    m_calibration->setWordWrap(true);
    m_calibration->setStyleSheet(QStringLiteral("QLabel { color: #6c757d; font-size: small; }"));
    m_calibrated->setObjectName(QStringLiteral("calibratedSwitch"));
    m_calibrated->setChecked(true);
    m_calibrated->setEnabled(false);
    m_calibrated->setToolTip(tr("On: probabilities temperature-scaled on the validation slices, so 70% means right about 70% of the time. "
                                "Off: the network's raw softmax."));
    connect(m_calibrated, &QCheckBox::toggled, this, &PredictionPanel::calibrationToggled);
    auto* predictionLayout = new QVBoxLayout(m_predictionBox);
    predictionLayout->addWidget(m_outlier);
    predictionLayout->addWidget(m_result);
    predictionLayout->addLayout(m_barsLayout);
    predictionLayout->addWidget(m_calibration);
    predictionLayout->addWidget(m_calibrated);
    predictionLayout->addWidget(m_warnings);
    auto* saliencyBox = new QGroupBox(tr("Saliency"));
    auto* saliencyForm = new QFormLayout(saliencyBox);
    saliencyForm->addRow(m_showHeatmap);
    saliencyForm->addRow(tr("Opacity"), m_opacity);
    saliencyForm->addRow(tr("Class"), m_saliencyClass);
    auto* notice = new QLabel(QString::fromLatin1(kResearchNotice));
    notice->setWordWrap(true);
    notice->setStyleSheet(QStringLiteral("QLabel { color: #6c757d; font-size: small; }"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(modelBox);
    layout->addWidget(m_scanBox);
    layout->addWidget(m_predictionBox);
    layout->addWidget(saliencyBox);
    layout->addStretch(1);
    layout->addWidget(notice);
}

void PredictionPanel::setModel(const QString& name, const QString& summary, const QStringList& classNames, const QStringList& warnings)
{
    QString text = QStringLiteral("<b>%1</b><br>%2").arg(name.toHtmlEscaped(), summary.toHtmlEscaped());
    for (const QString& warning : warnings)
        text += QStringLiteral("<br><span style=\"color:#b00020\"><b>%1</b> %2</span>").arg(tr("Warning:"), warning.toHtmlEscaped());
    m_model->setText(text);
    m_classNames = classNames;
    for (QProgressBar* bar : m_bars)
        delete bar;
    m_bars.clear();
    for (int c = 0; c < classNames.size(); ++c) {
        auto* bar = new QProgressBar;
        bar->setRange(0, 1000);
        bar->setObjectName(QStringLiteral("probabilityBar%1").arg(c));
        bar->setStyleSheet(QStringLiteral("QProgressBar::chunk { background: %1; }").arg(classColor(c).name()));
        bar->setToolTip(tr("Probability of %1").arg(classNames[c]));
        m_barsLayout->addWidget(bar);
        m_bars.push_back(bar);
    }
    m_saliencyClass->clear();
    m_saliencyClass->addItem(tr("Predicted class"), -1);
    for (int c = 0; c < classNames.size(); ++c)
        m_saliencyClass->addItem(classNames[c], c);
    clearPrediction();
}

QString PredictionPanel::modelText() const
{
    QTextDocument document;
    document.setHtml(m_model->text());
    return document.toPlainText();
}

void PredictionPanel::clearModel(const QString& reason)
{
    m_model->setText(reason.toHtmlEscaped());
    setModel(QString(), QString(), {});
    m_model->setText(reason.toHtmlEscaped());
    setCalibration(tr("no model"), false, false);
}

void PredictionPanel::setBusy(const QString& message)
{
    m_result->setText(message);
}

void PredictionPanel::setPrediction(const std::vector<double>& probabilities, int predicted, const QStringList& warnings)
{
    m_probabilities = probabilities;
    for (std::size_t c = 0; c < m_bars.size(); ++c) {
        const double p = c < probabilities.size() ? probabilities[c] : 0.0;
        m_bars[c]->setValue(static_cast<int>(std::lround(p * 1000)));
        m_bars[c]->setFormat(QStringLiteral("%1  %2%").arg(m_classNames.value(static_cast<int>(c))).arg(p * 100.0, 0, 'f', 1));
    }
    const double confidence = predicted >= 0 && static_cast<std::size_t>(predicted) < probabilities.size() ? probabilities[static_cast<std::size_t>(predicted)] : 0.0;
    m_result->setText(tr("%1 (confidence %2%)").arg(m_classNames.value(predicted)).arg(confidence * 100.0, 0, 'f', 1));
    m_result->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(classColor(predicted).darker(120).name()));
    QStringList others = warnings;
    const bool unlike = !others.isEmpty() && others.front() == QLatin1String(kUnlikeTrainingWarning);
    if (unlike)
        others.removeFirst();
    m_outlier->setText(tr("Unlike the slices this model was trained on: its probabilities say little about this image."));
    m_outlier->setVisible(unlike);
    m_warnings->setText(others.join(QLatin1Char('\n')));
    m_warnings->setVisible(!others.isEmpty());
}

QString PredictionPanel::outlierText() const
{
    return m_outlier->isVisibleTo(this) ? m_outlier->text() : QString();
}

void PredictionPanel::setCalibration(const QString& description, bool available, bool on)
{
    m_calibration->setText(tr("Probabilities: %1").arg(description));
    const QSignalBlocker block(m_calibrated);
    m_calibrated->setEnabled(available);
    m_calibrated->setChecked(available && on);
}

QString PredictionPanel::calibrationText() const
{
    return m_calibration->text();
}

bool PredictionPanel::calibrationOn() const
{
    return m_calibrated->isChecked();
}

void PredictionPanel::setError(const QString& message)
{
    clearPrediction();
    m_result->setStyleSheet(QString());
    m_result->setText(message);
}

void PredictionPanel::clearPrediction()
{
    m_probabilities.clear();
    for (QProgressBar* bar : m_bars) {
        bar->setValue(0);
        bar->setFormat(QString());
    }
    m_result->clear();
    m_warnings->hide();
    m_outlier->hide();
}

void PredictionPanel::setScanShown(bool shown)
{
    m_scanBox->setVisible(shown);
    m_predictionBox->setTitle(shown ? tr("This slice") : tr("Prediction"));
    if (!shown) {
        m_scanProbabilities.clear();
        m_scanResult->clear();
        m_scanDetail->clear();
        m_scanWarnings->hide();
    }
}

void PredictionPanel::setScanBusy(const QString& message)
{
    m_scanProbabilities.clear();
    m_scanResult->setStyleSheet(QString());
    m_scanResult->setText(message);
    m_scanDetail->clear();
}

void PredictionPanel::setScanVerdict(const std::vector<double>& probabilities, int predicted, const QString& detail, const QStringList& warnings)
{
    m_scanProbabilities = probabilities;
    const double confidence = predicted >= 0 && static_cast<std::size_t>(predicted) < probabilities.size() ? probabilities[static_cast<std::size_t>(predicted)] : 0.0;
    m_scanResult->setText(tr("%1 (confidence %2%)").arg(m_classNames.value(predicted)).arg(confidence * 100.0, 0, 'f', 1));
    m_scanResult->setStyleSheet(QStringLiteral("QLabel { color: %1; }").arg(classColor(predicted).darker(120).name()));
    QStringList shares;
    for (std::size_t c = 0; c < probabilities.size(); ++c)
        shares << QStringLiteral("%1 %2%").arg(m_classNames.value(static_cast<int>(c))).arg(probabilities[c] * 100.0, 0, 'f', 1);
    m_scanDetail->setText(detail + QLatin1Char('\n') + shares.join(QStringLiteral("   ")));
    setScanWarnings(warnings);
}

void PredictionPanel::setScanWarnings(const QStringList& warnings)
{
    m_scanWarnings->setText(warnings.join(QLatin1Char('\n')));
    m_scanWarnings->setVisible(!warnings.isEmpty());
}

QString PredictionPanel::scanResultText() const
{
    return m_scanResult->text();
}

QString PredictionPanel::scanDetailText() const
{
    return m_scanDetail->text();
}

QString PredictionPanel::scanWarningsText() const
{
    return m_scanWarnings->isVisibleTo(this) ? m_scanWarnings->text() : QString();
}

QString PredictionPanel::resultText() const
{
    return m_result->text();
}

QString PredictionPanel::warningsText() const
{
    return m_warnings->isVisibleTo(this) ? m_warnings->text() : QString();
}

int PredictionPanel::saliencyClass() const
{
    return m_saliencyClass->currentIndex() <= 0 ? -1 : m_saliencyClass->currentData().toInt();
}

bool PredictionPanel::heatmapVisible() const
{
    return m_showHeatmap->isChecked();
}

double PredictionPanel::heatmapOpacity() const
{
    return m_opacity->value() / 100.0;
}

} // namespace neurodx::ui
