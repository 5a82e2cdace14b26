#include "ViewerToolBar.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

namespace neurodx::ui {

ViewerToolBar::ViewerToolBar(QWidget* parent)
    : QToolBar(parent), m_presets(new QComboBox), m_frame(new QSlider(Qt::Horizontal)), m_frameLabel(new QLabel)
{
    setObjectName(QStringLiteral("viewerToolBar"));
    // Ctrl+I belongs to the main window's File > Open Image, which shows this page.
    connect(add(tr("Open..."), tr("Open a DICOM, NIfTI, PNG, JPEG, BMP or TIFF file (Ctrl+I)"), {}), &QAction::triggered, this,
            &ViewerToolBar::openRequested);
    connect(add(tr("Open Scan..."), tr("Open a folder holding a DICOM series or a NIfTI scan (Ctrl+Shift+I)"), {}), &QAction::triggered, this,
            &ViewerToolBar::openScanRequested);
    connect(add(tr("Predict Folder..."), tr("Predict every image in a folder"), QKeySequence(tr("Ctrl+B"))), &QAction::triggered, this,
            &ViewerToolBar::predictFolderRequested);
    connect(add(tr("Report..."), tr("Save a PDF report of this slice or scan"), QKeySequence(tr("Ctrl+P"))), &QAction::triggered, this,
            &ViewerToolBar::reportRequested);
    addSeparator();
    connect(add(tr("Fit"), tr("Fit the slice to the window"), QKeySequence(Qt::Key_F)), &QAction::triggered, this, &ViewerToolBar::fitRequested);
    const struct {
        const char* text;
        const char* tip;
        Qt::Key key;
        double zoom;
    } zooms[] = {{QT_TR_NOOP("100%"), QT_TR_NOOP("One image pixel per screen pixel"), Qt::Key_1, 1.0},
                   {QT_TR_NOOP("200%"), QT_TR_NOOP("Zoom 200%"), Qt::Key_2, 2.0},
                   {QT_TR_NOOP("400%"), QT_TR_NOOP("Zoom 400%"), Qt::Key_4, 4.0}};
    for (const auto& z : zooms)
        connect(add(tr(z.text), tr(z.tip), QKeySequence(z.key)), &QAction::triggered, this, [this, zoom = z.zoom] { emit zoomRequested(zoom); });
    addSeparator();
    m_presets->addItem(tr("Model input window"), int(WindowPreset::ModelInput));
    m_presets->addItem(tr("File window"), int(WindowPreset::FileWindow));
    m_presets->addItem(tr("Full stored range"), int(WindowPreset::FullRange));
    m_presets->addItem(tr("Min - max"), int(WindowPreset::MinMax));
    m_presets->addItem(tr("Percentile 1 - 99"), int(WindowPreset::Percentile1To99));
    m_presets->addItem(tr("Percentile 5 - 95"), int(WindowPreset::Percentile5To95));
    m_presets->addItem(tr("Brain MR"), int(WindowPreset::BrainMr));
    m_presets->setToolTip(tr("Window presets; drag with the left button for any other window"));
    connect(m_presets, &QComboBox::activated, this, [this] { emit presetChosen(static_cast<WindowPreset>(m_presets->currentData().toInt())); });
    addWidget(m_presets);
    m_invert = add(tr("Invert"), tr("Invert the grey scale"), QKeySequence(Qt::Key_I));
    m_invert->setCheckable(true);
    connect(m_invert, &QAction::triggered, this, &ViewerToolBar::invertToggled);
    connect(add(tr("Reset"), tr("Default window, zoom and inversion"), QKeySequence(Qt::Key_R)), &QAction::triggered, this, [this] {
        m_presets->setCurrentIndex(0);
        emit resetRequested();
    });
    m_hideIdentifiers = add(tr("Hide Identifiers"), tr("Hide patient and study identifiers in the overlay and tags (for screenshots)"), QKeySequence(tr("Ctrl+H")));
    m_hideIdentifiers->setCheckable(true);
    connect(m_hideIdentifiers, &QAction::triggered, this, &ViewerToolBar::identifiersHiddenToggled);
    addSeparator();
    m_frame->setToolTip(tr("Frame of a multi-frame image"));
    m_frame->setMaximumWidth(160);
    connect(m_frame, &QSlider::sliderReleased, this, [this] { emit frameChosen(m_frame->value()); });
    // Widgets in a tool bar are shown and hidden through their actions.
    m_frameActions = {addWidget(m_frameLabel), addWidget(m_frame)};
    setFrames(0, 1);
}

QAction* ViewerToolBar::add(const QString& text, const QString& tip, const QKeySequence& key)
{
    QAction* action = addAction(text);
    action->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    return action;
}

void ViewerToolBar::setInverted(bool inverted)
{
    m_invert->setChecked(inverted);
}

void ViewerToolBar::setPreset(WindowPreset preset)
{
    m_presets->setCurrentIndex(m_presets->findData(int(preset)));
}

void ViewerToolBar::setIdentifiersHidden(bool hidden)
{
    m_hideIdentifiers->setChecked(hidden);
}

bool ViewerToolBar::identifiersHidden() const
{
    return m_hideIdentifiers->isChecked();
}

void ViewerToolBar::setFrames(int frame, int frames)
{
    for (QAction* action : m_frameActions)
        action->setVisible(frames > 1);
    const QSignalBlocker blocker(m_frame);
    m_frame->setRange(0, std::max(0, frames - 1));
    m_frame->setValue(frame);
    m_frameLabel->setText(tr("Frame %1/%2").arg(frame + 1).arg(frames));
}

} // namespace neurodx::ui
