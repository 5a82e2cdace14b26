#include "DicomTagTree.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLineEdit>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace neurodx::ui {

namespace {

void addNodes(QTreeWidgetItem* parent, QTreeWidget* tree, const std::vector<DicomTagNode>& nodes, bool hideIdentifiers)
{
    for (const DicomTagNode& node : nodes) {
        const QString value = node.identifying && hideIdentifiers && node.children.empty() ? QObject::tr("(hidden)") : QString::fromStdString(node.value);
        const QStringList columns{QString::fromStdString(node.tag), QString::fromStdString(node.name), QString::fromStdString(node.vr), value};
        auto* item = parent ? new QTreeWidgetItem(parent, columns) : new QTreeWidgetItem(tree, columns);
        if (node.identifying)
            item->setToolTip(3, QObject::tr("Identifies a person: hidden while 'hide identifiers' is on"));
        addNodes(item, tree, node.children, hideIdentifiers);
    }
}

} // namespace

DicomTagTree::DicomTagTree(QWidget* parent) : QWidget(parent), m_filter(new QLineEdit), m_tree(new QTreeWidget)
{
    setObjectName(QStringLiteral("dicomTagTree"));
    m_filter->setPlaceholderText(tr("Filter by keyword, tag or value"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only attributes whose tag, keyword or value contains this text"));
    connect(m_filter, &QLineEdit::textChanged, this, &DicomTagTree::setFilter);
    m_tree->setHeaderLabels({tr("Tag"), tr("Keyword"), tr("VR"), tr("Value")});
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tree->setUniformRowHeights(true);
    // Tag and VR are short: their contents' width. A long keyword must not push VR and Value out of
    // a narrow panel: its width is capped (drag to widen), and Value takes what is left.
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::Interactive);
    m_tree->header()->resizeSection(1, m_tree->fontMetrics().horizontalAdvance(QStringLiteral("ReferringPhysicianName")) + 12);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setToolTip(tr("The file's DICOM attributes; Ctrl+C copies the selected rows"));
    auto* copy = new QAction(tr("Copy"), m_tree);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, [this] { QApplication::clipboard()->setText(selectedText()); });
    m_tree->addAction(copy);
    m_tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_tree, 1);
}

void DicomTagTree::setTags(const std::vector<DicomTagNode>& tags)
{
    m_tags = tags;
    fill();
}

void DicomTagTree::clear()
{
    m_tags.clear();
    m_tree->clear();
}

void DicomTagTree::setIdentifiersHidden(bool hidden)
{
    m_hideIdentifiers = hidden;
    fill();
}

void DicomTagTree::fill()
{
    m_tree->clear();
    addNodes(nullptr, m_tree, m_tags, m_hideIdentifiers);
    setFilter(m_filter->text());
}

void DicomTagTree::setFilter(const QString& text)
{
    if (m_filter->text() != text)
        m_filter->setText(text); // comes back here through textChanged
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        applyFilter(m_tree->topLevelItem(i), text.trimmed());
}

bool DicomTagTree::applyFilter(QTreeWidgetItem* item, const QString& text)
{
    bool childMatches = false;
    for (int c = 0; c < item->childCount(); ++c)
        childMatches = applyFilter(item->child(c), text) || childMatches;
    bool matches = text.isEmpty();
    for (int column = 0; column < 4 && !matches; ++column)
        matches = item->text(column).contains(text, Qt::CaseInsensitive);
    item->setHidden(!matches && !childMatches);
    if (childMatches && !text.isEmpty())
        item->setExpanded(true);
    return matches || childMatches;
}

int DicomTagTree::visibleRowCount() const
{
    int count = 0;
    for (QTreeWidgetItemIterator it(m_tree, QTreeWidgetItemIterator::NotHidden); *it; ++it)
        ++count;
    return count;
}

QString DicomTagTree::selectedText() const
{
    QStringList lines;
    for (QTreeWidgetItemIterator it(m_tree, QTreeWidgetItemIterator::Selected); *it; ++it)
        lines << QStringList{(*it)->text(0), (*it)->text(1), (*it)->text(2), (*it)->text(3)}.join(QLatin1Char('\t'));
    return lines.join(QLatin1Char('\n'));
}

} // namespace neurodx::ui
