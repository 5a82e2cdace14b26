#include "EngineTask.h"

#include "common/NeuroDxError.h"

#include <QElapsedTimer>

namespace neurodx::ui {

void EngineTask::run()
{
    QElapsedTimer sinceLast;
    sinceLast.start();
    bool first = true;
    const Progress progress = [&](const QString& message) {
        if (first || sinceLast.elapsed() >= 50) {
            first = false;
            sinceLast.restart();
            emit progressed(message);
        }
    };
    try {
        const QVariant result = m_body(m_control, progress);
        if (m_control.isCancelled())
            emit cancelled();
        else
            emit succeeded(result);
    } catch (const NeuroDxError& e) {
        if (e.kind() == ErrorKind::Cancelled || m_control.isCancelled())
            emit cancelled();
        else
            emit failed(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        emit failed(tr("Unexpected error: %1").arg(QString::fromStdString(e.what())));
    }
}

} // namespace neurodx::ui
