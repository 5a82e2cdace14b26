#pragma once

// QSettings of a test function's own: an empty settings file in a temporary folder, so no test
// function sees what another one (or an earlier run, or the user's own NeuroDx) remembered.
// Create one in init() and drop it in cleanup(); every QSettings() made meanwhile uses it.
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace neurodx::test {

class IsolatedSettings {
public:
    IsolatedSettings()
    {
        QStandardPaths::setTestModeEnabled(true);
        for (const QSettings::Format format : {QSettings::NativeFormat, QSettings::IniFormat})
            QSettings::setPath(format, QSettings::UserScope, m_folder.path());
    }
    ~IsolatedSettings() { QSettings().clear(); }
    IsolatedSettings(const IsolatedSettings&) = delete;
    IsolatedSettings& operator=(const IsolatedSettings&) = delete;

    QString folder() const { return m_folder.path(); }

private:
    QTemporaryDir m_folder;
};

} // namespace neurodx::test
