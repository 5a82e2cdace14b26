#pragma once

#include <QString>

class QWidget;

namespace neurodx::ui {

// Saves what `widget` shows as a PNG (at twice the screen resolution) or a one-page PDF, chosen by
// the file's suffix. Returns false (and an error text) when the file cannot be written.
bool exportWidgetImage(QWidget* widget, const QString& file, QString* error = nullptr);

// Writes `text` (CSV, JSON) to `file` atomically.
bool exportText(const QString& text, const QString& file, QString* error = nullptr);

// A save dialog remembering the last export folder; `filters` like "PNG image (*.png);;PDF (*.pdf)".
QString askExportFile(QWidget* parent, const QString& title, const QString& suggestedName, const QString& filters);

} // namespace neurodx::ui
