#pragma once

#include "common/CancelToken.h"
#include "dataset/DatasetIndex.h"
#include "synthetic/PhantomGenerator.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace neurodx::ui {

using SharedDatasetIndex = std::shared_ptr<const DatasetIndex>;

// Runs a dataset scan (and, for the demo, writes the synthetic dataset first) on its own thread.
// The only bridge between the dataset widgets and the engine.
class ScanWorker final : public QObject {
    Q_OBJECT
public:
    // `synthesise`: write the phantom dataset into `folder` before scanning (the built-in demo).
    explicit ScanWorker(QString folder, std::optional<PhantomOptions> synthesise = std::nullopt);

    // Thread-safe: may be called from the GUI thread while start() runs.
    void requestStop() { m_cancel.cancel(); }

public slots:
    void start();

signals:
    void progressed(const QString& message);
    void finished(const neurodx::ui::SharedDatasetIndex& index);
    void failed(const QString& message);

private:
    QString m_folder;
    std::optional<PhantomOptions> m_synthesise;
    CancelToken m_cancel;
};

} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedDatasetIndex)
