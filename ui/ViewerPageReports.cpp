// The viewer page's PDF reports: the slice or scan shown, its prediction, and identifiers only when
// the user says so. (The page itself: ViewerPage.cpp.)
#include "ViewerPage.h"

#include "PlotExport.h"
#include "ScanPane.h"
#include "ScanSession.h"
#include "SliceView.h"
#include "ViewerReports.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>

namespace neurodx::ui {

bool ViewerPage::exportReport(const QString& file, bool includeIdentifiers, QString* error)
{
    if (!m_opened) {
        if (error)
            *error = tr("Open a slice first.");
        return false;
    }
    if (isScanOpen())
        return writeScanReportPdf(currentScanReport(includeIdentifiers), file, error);
    return writeSliceReportPdf(currentReport(includeIdentifiers), file, error);
}

SliceReport ViewerPage::currentReport(bool includeIdentifiers) const
{
    if (!m_opened || isScanOpen())
        return {};
    return sliceReport({m_view, classifier().get(), &m_opened->tags, currentFile(), includeIdentifiers}, m_lastPrediction.get());
}

ScanReport ViewerPage::currentScanReport(bool includeIdentifiers) const
{
    if (!isScanOpen())
        return {};
    return scanReport({m_view, classifier().get(), &m_scan->session()->scan().tags, currentFile(), includeIdentifiers}, *m_scan);
}

void ViewerPage::chooseAndExportReport()
{
    if (!m_opened)
        return;
    const QString file = askExportFile(this, tr("Save Report"), QFileInfo(currentFile()).completeBaseName() + QStringLiteral("-report.pdf"), tr("PDF (*.pdf)"));
    if (file.isEmpty())
        return;
    QMessageBox ask(QMessageBox::Question, tr("Save Report"), tr("Include patient and study identifiers in the report?"),
                    QMessageBox::Yes | QMessageBox::No, this);
    ask.setDefaultButton(QMessageBox::No);
    const bool include = ask.exec() == QMessageBox::Yes;
    QString error;
    if (!exportReport(file, include, &error))
        QMessageBox::warning(this, tr("Save Report"), error);
    else
        emit statusMessage(tr("Report saved to %1").arg(QDir::toNativeSeparators(file)));
}

} // namespace neurodx::ui
