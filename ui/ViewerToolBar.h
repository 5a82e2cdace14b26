#pragma once

#include "imaging/ViewerSlice.h"

#include <QToolBar>

#include <vector>

class QComboBox;
class QLabel;
class QSlider;

namespace neurodx::ui {

// The viewer's tool bar: open, predict a folder, report; zoom; window presets, invert, reset;
// hide identifiers; the frame slider of a multi-frame image. It only asks (signals); the page acts
// and reflects the result back (setInverted, setFrames...).
class ViewerToolBar final : public QToolBar {
    Q_OBJECT
public:
    explicit ViewerToolBar(QWidget* parent = nullptr);

    void setInverted(bool inverted);
    void setPreset(WindowPreset preset);
    void setIdentifiersHidden(bool hidden);
    bool identifiersHidden() const;
    void setFrames(int frame, int frames); // the frame slider shows for frames > 1

signals:
    void openRequested();
    void openScanRequested();
    void predictFolderRequested();
    void reportRequested();
    void fitRequested();
    void zoomRequested(double zoom);
    void presetChosen(neurodx::WindowPreset preset);
    void invertToggled(bool inverted);
    void resetRequested();
    void identifiersHiddenToggled(bool hidden);
    void frameChosen(int frame);

private:
    QAction* add(const QString& text, const QString& tip, const QKeySequence& key);

    QComboBox* m_presets;
    QAction* m_invert;
    QAction* m_hideIdentifiers;
    QSlider* m_frame;
    QLabel* m_frameLabel;
    std::vector<QAction*> m_frameActions;
};

} // namespace neurodx::ui
