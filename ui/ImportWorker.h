#pragma once

#include "common/CancelToken.h"
#include "import/ScanImport.h"

#include <QMetaType>
#include <QObject>

#include <memory>

namespace neurodx::ui {

using SharedImportPlan = std::shared_ptr<const ImportPlan>;
using SharedImportResult = std::shared_ptr<const ImportResult>;

// Runs one import step on its own thread: finding the scans (planImport, which writes nothing) or
// writing what a plan says (runImport). The only bridge between the import dialog and the engine.
class ImportWorker final : public QObject {
    Q_OBJECT
public:
    explicit ImportWorker(ImportOptions options); // finds the scans
    explicit ImportWorker(SharedImportPlan plan); // imports them

    // Thread-safe: called from the GUI thread while start() runs.
    void requestStop() { m_cancel.cancel(); }

    void start();

signals:
    // Finding: `done` files looked at, `total` 0. Importing: scans done of `total`, slices written.
    void progressed(int done, int total, int slices, const QString& current);
    void planned(const neurodx::ui::SharedImportPlan& plan);
    void imported(const neurodx::ui::SharedImportResult& result);
    void cancelled();
    void failed(const QString& message);

private:
    ImportOptions m_options;
    SharedImportPlan m_plan;
    CancelToken m_cancel;
};

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedImportPlan)
Q_DECLARE_METATYPE(neurodx::ui::SharedImportResult)
