#pragma once

#include "PredictionTypes.h"

#include <QObject>
#include <QString>

namespace neurodx::ui {

class JobRunner;

// The model the window predicts with, as Okular's Document holds the opened file: the model file the
// user chose (the viewer's Choose Model, a finished training's best.pt) and its classifier, loaded in
// a worker (a newer choice replaces a load still running). The viewer observes it. The choice is
// remembered when a load succeeds and brought back only by loadSettings(): never a model nobody
// chose, such as the newest run, which may well be a chance-level one.
class ModelDocument final : public QObject {
    Q_OBJECT
public:
    explicit ModelDocument(QObject* parent = nullptr);

    void load(const QString& modelFile);
    SharedClassifier classifier() const { return m_classifier; }
    QString file() const { return m_file; }
    bool isBusy() const;
    void cancelAndWait();

    // Loads the model chosen last time, if its file still exists (true when a load started).
    bool loadSettings();
    // The remembered model file, or empty when there is none or it is gone.
    static QString rememberedModel();

signals:
    void loading(const QString& modelFile);
    void loaded(const neurodx::ui::SharedClassifier& classifier, const QString& modelFile);
    void failed(const QString& message);

private:
    JobRunner* m_jobs;
    SharedClassifier m_classifier;
    QString m_file;
};

} // namespace neurodx::ui
