#pragma once

#include "imaging/DicomTags.h"

#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace neurodx::ui {

// The DICOM attributes of the open file: tag, keyword, VR, value; sequences collapsible; a filter
// box (keyword, tag or value); Ctrl+C copies the selected rows as tab-separated text.
// Identifying values can be masked, as the viewer's "hide identifiers" switch asks.
class DicomTagTree final : public QWidget {
    Q_OBJECT
public:
    explicit DicomTagTree(QWidget* parent = nullptr);

    void setTags(const std::vector<DicomTagNode>& tags);
    void clear();
    void setFilter(const QString& text);
    void setIdentifiersHidden(bool hidden);
    int visibleRowCount() const;
    QString selectedText() const; // what Ctrl+C copies
    QTreeWidget* tree() const { return m_tree; }

private:
    void fill();
    bool applyFilter(QTreeWidgetItem* item, const QString& text); // true when the item or a child matches

    QLineEdit* m_filter;
    QTreeWidget* m_tree;
    std::vector<DicomTagNode> m_tags;
    bool m_hideIdentifiers = true;
};

} // namespace neurodx::ui
