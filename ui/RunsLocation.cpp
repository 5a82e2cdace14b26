#include "RunsLocation.h"

#include "evaluation/RunFolder.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace neurodx::ui {

QString runsRoot()
{
    const QString fallback = QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("runs"));
    return QSettings().value(QStringLiteral("runs/root"), fallback).toString();
}

void setRunsRoot(const QString& folder)
{
    QSettings().setValue(QStringLiteral("runs/root"), folder);
}

QString newRunFolder(const QString& kind)
{
    const QDir root(runsRoot());
    const QString stem = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) + QLatin1Char('-') + kind;
    QString name = stem;
    for (int n = 2; root.exists(name); ++n)
        name = stem + QLatin1Char('-') + QString::number(n);
    return root.filePath(name);
}

QString viewerStartModel()
{
    const QString saved = QSettings().value(QStringLiteral("viewer/model")).toString();
    if (!saved.isEmpty() && QFileInfo::exists(saved))
        return saved;
    for (const std::filesystem::path& run : findRunFolders(runsRoot().toStdString()))
        if (std::filesystem::exists(run / "best.pt"))
            return QString::fromStdString((run / "best.pt").string());
    return {};
}

} // namespace neurodx::ui
