#include "ImportWorker.h"

#include "common/NeuroDxError.h"

namespace neurodx::ui {

ImportWorker::ImportWorker(ImportOptions options) : m_options(std::move(options)) {}

ImportWorker::ImportWorker(SharedImportPlan plan) : m_plan(std::move(plan)) {}

void ImportWorker::start()
{
    try {
        if (!m_plan) {
            // A progress call every few hundred files: no throttling needed.
            auto plan = std::make_shared<const ImportPlan>(planImport(m_options, &m_cancel, [this](std::size_t files) {
                emit progressed(static_cast<int>(files), 0, 0, QString());
            }));
            emit planned(plan);
            return;
        }
        // Two calls per scan: few enough to send every one.
        auto result = std::make_shared<const ImportResult>(runImport(*m_plan, &m_cancel, [this](const ImportProgress& p) {
            emit progressed(static_cast<int>(p.scansDone), static_cast<int>(p.scansTotal), static_cast<int>(p.slicesWritten), QString::fromStdString(p.current));
        }));
        emit imported(result);
    } catch (const NeuroDxError& e) {
        if (e.kind() == ErrorKind::Cancelled || m_cancel.isCancelled())
            emit cancelled();
        else
            emit failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())));
    }
}

} // namespace neurodx::ui
