#include "RunsLocation.h"

#include "evaluation/RunFolder.h"

#include <QDir>
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

} // namespace neurodx::ui
