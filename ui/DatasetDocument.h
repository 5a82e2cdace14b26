#pragma once

#include "ScanWorker.h"

#include "dataset/Split.h"

#include <QObject>
#include <QString>

#include <memory>

namespace neurodx::ui {

using SharedDatasetSplit = std::shared_ptr<const DatasetSplit>;

// The dataset the window has open, as Okular's Document holds the opened file: the scanned index
// and the split the Dataset page shows, with the settings that made it. The Dataset page writes it
// (after a scan, on every change of the split settings); the training page reads it and trains
// exactly this index and split, never a fresh scan of the folder, so a folder changed since the
// scan cannot make the split trained differ from the split shown.
class DatasetDocument final : public QObject {
    Q_OBJECT
public:
    explicit DatasetDocument(QObject* parent = nullptr);

    bool isOpen() const { return m_index != nullptr; }
    SharedDatasetIndex index() const { return m_index; }
    // The folder scanned (native separators); empty when nothing is open.
    QString folder() const;
    // nullptr when the split settings cannot split the dataset (splitProblem() says why).
    SharedDatasetSplit split() const { return m_split; }
    QString splitProblem() const { return m_splitProblem; }
    const SplitConfig& splitConfig() const { return m_splitConfig; }

    // A new dataset: its split is computed by the next setSplitConfig().
    void setIndex(SharedDatasetIndex index);
    // Splits the open dataset with `config` (a NeuroDxError's text becomes splitProblem()).
    void setSplitConfig(const SplitConfig& config);

signals:
    void indexChanged(const neurodx::ui::SharedDatasetIndex& index);
    void splitChanged();

private:
    SharedDatasetIndex m_index;
    SharedDatasetSplit m_split;
    SplitConfig m_splitConfig;
    QString m_splitProblem;
};

} // namespace neurodx::ui
