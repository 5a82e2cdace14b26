#include "DatasetDocument.h"

#include "common/NeuroDxError.h"

#include <QDir>

namespace neurodx::ui {

DatasetDocument::DatasetDocument(QObject* parent)
    : QObject(parent)
{
}

QString DatasetDocument::folder() const
{
    return m_index ? QDir::toNativeSeparators(QString::fromStdString(m_index->root.string())) : QString();
}

void DatasetDocument::setIndex(SharedDatasetIndex index)
{
    m_index = std::move(index);
    m_split.reset();
    m_splitProblem.clear();
    emit indexChanged(m_index);
}

void DatasetDocument::setSplitConfig(const SplitConfig& config)
{
    m_splitConfig = config;
    m_split.reset();
    m_splitProblem.clear();
    if (m_index) {
        try {
            m_split = std::make_shared<const DatasetSplit>(splitDataset(*m_index, config));
        } catch (const NeuroDxError& e) {
            m_splitProblem = QString::fromStdString(e.what());
        }
    }
    emit splitChanged();
}

} // namespace neurodx::ui
