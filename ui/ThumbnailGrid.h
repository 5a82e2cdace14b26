#pragma once

#include <QListView>
#include <QVector>

namespace neurodx::ui {

class ThumbnailCache;

struct ThumbnailItem {
    QString file;
    QString caption;
    QString toolTip;
    int label = -1; // class colour of the frame; -1: none
};

// A grid of slice thumbnails that decodes only what is on screen (the view asks for visible rows
// only) and keeps decoded ones cached, so scrolling through thousands of slices stays smooth.
// Double-clicking (or Enter on) a thumbnail emits fileActivated.
class ThumbnailGrid final : public QListView {
    Q_OBJECT
public:
    explicit ThumbnailGrid(int side = 96, QWidget* parent = nullptr);

    void setItems(QVector<ThumbnailItem> items);
    int itemCount() const;
    QString fileAt(int row) const;
    ThumbnailCache* cache() const { return m_cache; }

signals:
    void fileActivated(const QString& file);

private:
    ThumbnailCache* m_cache;
    class Model;
    Model* m_model;
};

} // namespace neurodx::ui
