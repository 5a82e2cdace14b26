#include "ThumbnailGrid.h"

#include "ClassColors.h"
#include "ThumbnailCache.h"

#include <QAbstractListModel>
#include <QPainter>

namespace neurodx::ui {

class ThumbnailGrid::Model final : public QAbstractListModel {
public:
    Model(ThumbnailCache* cache, QObject* parent) : QAbstractListModel(parent), m_cache(cache)
    {
        connect(cache, &ThumbnailCache::ready, this, [this](const QString& file) {
            for (const int row : m_rowsByFile.values(file))
                emit dataChanged(index(row), index(row), {Qt::DecorationRole, Qt::ToolTipRole});
        });
    }

    void setItems(QVector<ThumbnailItem> items)
    {
        beginResetModel();
        m_cache->cancelPending();
        m_items = std::move(items);
        m_rowsByFile.clear();
        for (int row = 0; row < m_items.size(); ++row)
            m_rowsByFile.insert(m_items[row].file, row);
        endResetModel();
    }

    const QVector<ThumbnailItem>& items() const { return m_items; }

    int rowCount(const QModelIndex& parent) const override { return parent.isValid() ? 0 : static_cast<int>(m_items.size()); }

    QVariant data(const QModelIndex& index, int role) const override
    {
        if (!index.isValid() || index.row() >= m_items.size())
            return {};
        const ThumbnailItem& item = m_items[index.row()];
        switch (role) {
        case Qt::DisplayRole:
            return item.caption;
        case Qt::ToolTipRole: {
            const QString problem = m_cache->problem(item.file);
            return problem.isEmpty() ? item.toolTip : item.toolTip + QStringLiteral("\n") + problem;
        }
        case Qt::DecorationRole:
            return decorated(item);
        case Qt::UserRole:
            return item.file;
        case Qt::SizeHintRole:
            // Answered without the picture: the view sizes its layout from off-screen rows too
            // (the last one, for the scroll range), and asking for their decoration would decode them.
            return QSize(m_cache->side() + 12, m_cache->side() + 30);
        default:
            return {};
        }
    }

private:
    QPixmap decorated(const ThumbnailItem& item) const
    {
        const int side = m_cache->side();
        QPixmap pixmap(side, side);
        pixmap.fill(Qt::black);
        QPainter painter(&pixmap);
        const QImage image = m_cache->thumbnail(item.file);
        if (!image.isNull()) {
            const QImage scaled = image.scaled(side - 4, side - 4, Qt::KeepAspectRatio, Qt::SmoothTransformation);
            painter.drawImage((side - scaled.width()) / 2, (side - scaled.height()) / 2, scaled);
        }
        if (item.label >= 0) {
            painter.setPen(QPen(classColor(item.label), 3));
            painter.drawRect(1, 1, side - 3, side - 3);
        }
        return pixmap;
    }

    ThumbnailCache* m_cache;
    QVector<ThumbnailItem> m_items;
    QMultiHash<QString, int> m_rowsByFile;
};

ThumbnailGrid::ThumbnailGrid(int side, QWidget* parent)
    : QListView(parent), m_cache(new ThumbnailCache(side, this)), m_model(new Model(m_cache, this))
{
    setModel(m_model);
    setViewMode(QListView::IconMode);
    setIconSize(QSize(side, side));
    setGridSize(QSize(side + 16, side + 34));
    setUniformItemSizes(true); // the view then asks only for visible rows: lazy decoding
    setLayoutMode(QListView::Batched);
    setBatchSize(200);
    setResizeMode(QListView::Adjust);
    setMovement(QListView::Static);
    setWordWrap(true);
    setTextElideMode(Qt::ElideMiddle); // "ADNI_002_S_0295_...slice120.png": the slice index stays visible
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QListView::activated, this, [this](const QModelIndex& index) { emit fileActivated(index.data(Qt::UserRole).toString()); });
}

void ThumbnailGrid::setItems(QVector<ThumbnailItem> items)
{
    m_model->setItems(std::move(items));
}

int ThumbnailGrid::itemCount() const
{
    return static_cast<int>(m_model->items().size());
}

QString ThumbnailGrid::fileAt(int row) const
{
    return m_model->items().value(row).file;
}

} // namespace neurodx::ui
