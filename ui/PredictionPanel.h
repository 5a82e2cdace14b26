#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QVBoxLayout;

namespace neurodx::ui {

// What the model says about the open slice: a bar per class with its probability, the predicted
// class and its confidence, the model and its validation/test figures, warnings where the input
// looks unlike the training data, and the Grad-CAM controls (on/off, opacity, which class). For a
// scan it also shows the scan's verdict (the mean over the model's slice range) above the shown
// slice's own prediction.
class PredictionPanel final : public QWidget {
    Q_OBJECT
public:
    explicit PredictionPanel(QWidget* parent = nullptr);

    // `warnings`: what to know before trusting any prediction of this model (modelWarnings()),
    // shown in red under its summary.
    void setModel(const QString& name, const QString& summary, const QStringList& classNames, const QStringList& warnings = {});
    void clearModel(const QString& reason);
    void setBusy(const QString& message);
    void setPrediction(const std::vector<double>& probabilities, int predicted, const QStringList& warnings);
    void setError(const QString& message);
    void clearPrediction();

    // A scan is open (true): the scan box shows, the slice box is titled for the shown slice.
    void setScanShown(bool shown);
    void setScanBusy(const QString& message);
    // `detail`: "mean of 32 axial slices, 28 agree"; `warnings`: the volume's and the prediction's.
    void setScanVerdict(const std::vector<double>& probabilities, int predicted, const QString& detail, const QStringList& warnings);
    void setScanWarnings(const QStringList& warnings);

    std::vector<double> displayedProbabilities() const { return m_probabilities; }
    QString resultText() const;
    QString warningsText() const;
    // The "unlike the training data" warning shown above the probabilities; empty when hidden.
    QString outlierText() const;
    QString modelText() const; // the model's name, summary and warnings as shown (plain text)
    // What the probabilities are ("calibrated on 48 validation slices (temperature 1.42)") and
    // whether the calibration switch can be used (the model file has a temperature).
    void setCalibration(const QString& description, bool available, bool on);
    QString calibrationText() const;
    bool calibrationOn() const;
    std::vector<double> displayedScanProbabilities() const { return m_scanProbabilities; }
    QString scanResultText() const;
    QString scanDetailText() const;
    QString scanWarningsText() const;
    // -1: the predicted class.
    int saliencyClass() const;
    bool heatmapVisible() const;
    double heatmapOpacity() const;

signals:
    void chooseModelRequested();
    void saliencyClassChanged(int classIndex);
    void heatmapVisibilityChanged(bool visible);
    void heatmapOpacityChanged(double opacity);
    void calibrationToggled(bool on);

private:
    QGroupBox* m_scanBox;
    QLabel* m_scanResult;
    QLabel* m_scanDetail;
    QLabel* m_scanWarnings;
    QGroupBox* m_predictionBox;
    QLabel* m_model;
    QPushButton* m_chooseModel;
    QVBoxLayout* m_barsLayout;
    std::vector<QProgressBar*> m_bars;
    QLabel* m_outlier;
    QLabel* m_result;
    QLabel* m_warnings;
    QLabel* m_calibration;
    QCheckBox* m_calibrated;
    QCheckBox* m_showHeatmap;
    QSlider* m_opacity;
    QComboBox* m_saliencyClass;
    QStringList m_classNames;
    std::vector<double> m_probabilities;
    std::vector<double> m_scanProbabilities;
};

} // namespace neurodx::ui
