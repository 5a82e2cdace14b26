#include "PlotExport.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSettings>
#include <QWidget>

namespace neurodx::ui {

namespace {

QPixmap renderAt(QWidget* widget, qreal scale)
{
    QPixmap pixmap(widget->size() * scale);
    pixmap.setDevicePixelRatio(scale);
    pixmap.fill(Qt::white);
    widget->render(&pixmap);
    return pixmap;
}

} // namespace

bool exportWidgetImage(QWidget* widget, const QString& file, QString* error)
{
    const QString suffix = QFileInfo(file).suffix().toLower();
    if (suffix == QLatin1String("pdf")) {
        QPdfWriter pdf(file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageOrientation(widget->width() > widget->height() ? QPageLayout::Landscape : QPageLayout::Portrait);
        pdf.setResolution(300);
        pdf.setCreator(QStringLiteral("NeuroDx (research use only, not a medical device)"));
        QPainter painter;
        if (!painter.begin(&pdf)) {
            if (error)
                *error = QObject::tr("Cannot write %1").arg(QDir::toNativeSeparators(file));
            return false;
        }
        const QPixmap pixmap = renderAt(widget, 3.0);
        const QRect page = painter.viewport();
        const QSize fitted = pixmap.size().scaled(page.size(), Qt::KeepAspectRatio);
        painter.drawPixmap(QRect(QPoint(0, 0), fitted), pixmap);
        return painter.end();
    }
    if (!renderAt(widget, 2.0).save(file)) {
        if (error)
            *error = QObject::tr("Cannot write %1 (use .png or .pdf)").arg(QDir::toNativeSeparators(file));
        return false;
    }
    return true;
}

bool exportText(const QString& text, const QString& file, QString* error)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0 || !out.commit()) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(file), out.errorString());
        return false;
    }
    return true;
}

QString askExportFile(QWidget* parent, const QString& title, const QString& suggestedName, const QString& filters)
{
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("export/lastFolder"), QDir::homePath()).toString();
    const QString file = QFileDialog::getSaveFileName(parent, title, QDir(folder).filePath(suggestedName), filters);
    if (!file.isEmpty())
        settings.setValue(QStringLiteral("export/lastFolder"), QFileInfo(file).absolutePath());
    return file;
}

} // namespace neurodx::ui
