#include "ModelDocument.h"

#include "JobRunner.h"

#include "inference/SliceClassifier.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace neurodx::ui {

namespace {

const QString kModelKey = QStringLiteral("viewer/model");

} // namespace

ModelDocument::ModelDocument(QObject* parent) : QObject(parent), m_jobs(new JobRunner(this))
{
    qRegisterMetaType<SharedClassifier>();
}

void ModelDocument::load(const QString& modelFile)
{
    emit loading(modelFile);
    m_jobs->run<SharedClassifier>(
        [modelFile](JobContext&) { return std::make_shared<SliceClassifier>(QDir::toNativeSeparators(modelFile).toStdString()); },
        {[this, modelFile](const SharedClassifier& classifier) {
             m_classifier = classifier;
             m_file = modelFile;
             QSettings().setValue(kModelKey, modelFile); // the user's choice, made now
             emit loaded(classifier, modelFile);
         },
         [this](const QString& message) { emit failed(message); }});
}

bool ModelDocument::isBusy() const
{
    return m_jobs->isBusy();
}

void ModelDocument::cancelAndWait()
{
    m_jobs->cancelAndWait();
}

QString ModelDocument::rememberedModel()
{
    const QString saved = QSettings().value(kModelKey).toString();
    return !saved.isEmpty() && QFileInfo::exists(saved) ? saved : QString();
}

bool ModelDocument::loadSettings()
{
    const QString model = rememberedModel();
    if (model.isEmpty())
        return false;
    load(model);
    return true;
}

} // namespace neurodx::ui
