#pragma once

// Opening files and models in the viewer runs in workers: these wait for the result and say why
// when it does not come, for QVERIFY(openAndWait(...)).
#include "ViewerPage.h"

#include <QSignalSpy>
#include <QtTest>

#include <filesystem>

namespace neurodx::test {

// A slice file, or a scan (a series folder, any file of a series, a NIfTI file), as File > Open.
inline bool openAndWait(ui::ViewerPage& page, const std::filesystem::path& path)
{
    QSignalSpy opened(&page, &ui::ViewerPage::imageOpened);
    QSignalSpy failed(&page, &ui::ViewerPage::openFailed);
    page.openPath(QString::fromStdString(path.string()));
    if (opened.wait(20000))
        return true;
    qWarning("%s", failed.isEmpty() ? "timeout" : qPrintable(failed.first().first().toString()));
    return false;
}

// Done when the page holds this model.
inline bool loadModelAndWait(ui::ViewerPage& page, const std::filesystem::path& model)
{
    page.loadModel(QString::fromStdString(model.string()));
    return QTest::qWaitFor([&] { return page.classifier() && page.classifier()->file() == model; }, 20000);
}

} // namespace neurodx::test
