#include "ScanWorker.h"

#include "common/NeuroDxError.h"
#include "dataset/DatasetScanner.h"

#include <QDir>
#include <QElapsedTimer>

namespace neurodx::ui {

ScanWorker::ScanWorker(QString folder, std::optional<PhantomOptions> synthesise)
    : m_folder(std::move(folder)), m_synthesise(std::move(synthesise))
{
}

void ScanWorker::start()
{
    const std::filesystem::path root = QDir::toNativeSeparators(m_folder).toStdString();
    QElapsedTimer sinceLastEvent;
    sinceLastEvent.start();
    // Progress events at most ~20 per second, so the GUI's event loop never drowns.
    const auto throttled = [&](const QString& message, bool force) {
        if (force || sinceLastEvent.elapsed() >= 50) {
            sinceLastEvent.restart();
            emit progressed(message);
        }
    };
    try {
        if (m_synthesise) {
            writeSyntheticDataset(root, *m_synthesise, &m_cancel, [&](int done, int total) {
                throttled(tr("Writing synthetic demo slices: %1 of %2").arg(done).arg(total), done == total);
            });
        }
        throttled(tr("Scanning %1").arg(m_folder), true);
        auto index = std::make_shared<const DatasetIndex>(scanDataset(root, ScanOptions{}, &m_cancel, [&](std::size_t files) {
            throttled(tr("Scanning: %L1 files looked at").arg(static_cast<qulonglong>(files)), false);
        }));
        emit finished(index);
    } catch (const NeuroDxError& e) {
        emit failed(e.kind() == ErrorKind::Cancelled ? tr("Scan cancelled.") : QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        emit failed(tr("Unexpected error while scanning %1: %2").arg(m_folder, QString::fromStdString(e.what())));
    }
}

} // namespace neurodx::ui
