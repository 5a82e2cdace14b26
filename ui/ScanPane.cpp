#include "ScanPane.h"

#include "PredictionPanel.h"
#include "ScanNavigator.h"
#include "ScanSession.h"
#include "ScanStripPlot.h"
#include "SliceView.h"

#include <QVBoxLayout>

#include <cmath>

namespace neurodx::ui {

namespace {

QStringList toQStrings(const std::vector<std::string>& lines)
{
    QStringList list;
    for (const std::string& line : lines)
        list << QString::fromStdString(line);
    return list;
}

} // namespace

ScanPane::ScanPane(SliceView* view, PredictionPanel* panel, QWidget* parent)
    : QWidget(parent), m_view(view), m_panel(panel), m_session(new ScanSession(this)), m_navigator(new ScanNavigator), m_strip(new ScanStripPlot)
{
    setObjectName(QStringLiteral("scanPane"));
    m_strip->setFixedHeight(170);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_navigator);
    layout->addWidget(m_strip);
    hide();

    connect(m_navigator, &ScanNavigator::planeRequested, m_session, &ScanSession::setPlane);
    connect(m_navigator, &ScanNavigator::indexRequested, m_session, &ScanSession::setIndex);
    connect(m_view, &SliceView::sliceScrolled, m_session, &ScanSession::step);
    connect(m_strip, &ScanStripPlot::sliceClicked, this, [this](int index) {
        m_session->setPlane(m_strip->plane()); // the strip's slices are the model's plane
        m_session->setIndex(index);
    });
    connect(m_session, &ScanSession::sliceChanged, this, &ScanPane::showSlice);
    connect(m_session, &ScanSession::slicePredicted, this, [this](const SharedSlicePrediction& result) {
        m_panel->setPrediction(result->prediction.probabilities, result->prediction.predicted, toQStrings(result->prediction.warnings));
        const ViewerSlice& shown = m_session->slice();
        if (!result->saliency.isEmpty() && result->saliency.width == shown.width && result->saliency.height == shown.height)
            m_view->setHeatmap(result->saliency.values, result->saliency.width, result->saliency.height);
        emit slicePredicted();
    });
    connect(m_session, &ScanSession::scanPredicting, this, [this](const QString& message) {
        m_panel->setScanBusy(message);
        m_strip->clear(message);
    });
    connect(m_session, &ScanSession::scanPredicted, this, &ScanPane::showAnalysis);
    connect(m_session, &ScanSession::predictionFailed, this, &ScanPane::showFailure);
}

ScanPane::~ScanPane() = default;

void ScanPane::open(const SharedOpenedScan& scan)
{
    m_firstSlice = true;
    m_view->setScrollsSlices(true);
    m_panel->setScanShown(true);
    m_panel->clearPrediction();
    const QStringList warnings = toQStrings(scan->volume.source.warnings);
    m_panel->setScanWarnings(warnings); // until the verdict, which repeats them
    m_panel->setScanBusy(tr("No model: choose one to predict the scan."));
    m_strip->clear(tr("Load a model to predict every slice of the scan."));
    show();
    m_session->open(scan); // shows the first slice, and predicts when there is a model
    if (!warnings.isEmpty())
        emit statusMessage(warnings.join(QStringLiteral("; ")));
}

void ScanPane::close()
{
    if (!isOpen())
        return;
    m_session->close();
    m_view->setScrollsSlices(false);
    m_panel->setScanShown(false);
    m_strip->clear(QString());
    hide();
}

bool ScanPane::isOpen() const
{
    return m_session->isOpen();
}

void ScanPane::setClassifier(const SharedClassifier& classifier)
{
    m_session->setClassifier(classifier);
}

void ScanPane::setSaliencyClass(int classIndex)
{
    m_session->setSaliencyClass(classIndex);
}

void ScanPane::showSlice()
{
    if (m_firstSlice)
        m_view->setSlice(m_session->slice());
    else
        m_view->replaceSlice(m_session->slice()); // the reader's window, zoom and pan stay
    m_firstSlice = false;
    m_navigator->setPosition(m_session->plane(), m_session->index(), m_session->count(), m_session->positionText());
    m_strip->setCurrentSlice(m_session->plane(), m_session->index());
    m_panel->clearPrediction(); // the bars were another slice's
    emit sliceShown();
}

void ScanPane::showAnalysis()
{
    const ScanPrediction& p = m_session->analysis()->prediction;
    m_strip->setPrediction(p);
    m_strip->setCurrentSlice(m_session->plane(), m_session->index());
    const int agreeing = static_cast<int>(std::lround(p.agreement * static_cast<double>(p.slices.size())));
    const QString detail = tr("Mean of %1 %2 slices, %3 agree; confidence %4-%5% over resampled slices (95%)")
                               .arg(p.slices.size())
                               .arg(QString::fromLatin1(slicePlaneName(p.selection.plane)))
                               .arg(agreeing)
                               .arg(p.confidenceLow * 100, 0, 'f', 1)
                               .arg(p.confidenceHigh * 100, 0, 'f', 1);
    m_panel->setScanVerdict(p.probabilities, p.predicted, detail, toQStrings(p.warnings));
    emit scanPredicted();
}

void ScanPane::showFailure(const QString& message)
{
    if (!m_session->analysis()) {
        m_panel->setScanBusy(message);
        m_strip->clear(message);
    } else {
        m_panel->setError(message); // the shown slice's prediction failed; the verdict stands
    }
    emit statusMessage(message);
}

QStringList ScanPane::overlayLines() const
{
    if (!isOpen())
        return {};
    return {tr("%1 %2 (0-%3)").arg(QString::fromLatin1(slicePlaneName(m_session->plane()))).arg(m_session->index()).arg(m_session->count() - 1),
            m_session->positionText()};
}

ScanReport ScanPane::report() const
{
    const auto window = m_view->window();
    ScanReport report = m_session->report(window.low(), window.high(), m_view->isInverted(), m_panel->heatmapOpacity());
    if (m_strip->hasPrediction())
        report.strip = m_strip->image(1200, 320);
    return report;
}

bool ScanPane::isBusy() const
{
    return m_session->isBusy();
}

void ScanPane::cancelAndWait()
{
    m_session->cancelAndWait();
}

} // namespace neurodx::ui
