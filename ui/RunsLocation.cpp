#include "RunsLocation.h"

#include "evaluation/RunFolder.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace neurodx::ui {

QString runsRoot()
{
    const QString chosen = QSettings().value(QStringLiteral("runs/root")).toString();
    return chosen.isEmpty() ? QString::fromStdString(defaultRunsRoot().string()) : chosen;
}

void setRunsRoot(const QString& folder)
{
    QSettings().setValue(QStringLiteral("runs/root"), folder);
}

QString newRunFolder(const QString& kind)
{
    return QString::fromStdString(createRunFolder(QDir::toNativeSeparators(runsRoot()).toStdString(), kind.toStdString()).string());
}

QString viewerStartModel()
{
    const QString saved = QSettings().value(QStringLiteral("viewer/model")).toString();
    return !saved.isEmpty() && QFileInfo::exists(saved) ? saved : QString();
}

} // namespace neurodx::ui
