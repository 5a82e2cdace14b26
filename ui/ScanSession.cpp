#include "ScanSession.h"

#include "JobRunner.h"
#include "QtStrings.h"
#include "SliceRendering.h"

#include <QDir>

#include <algorithm>
#include <cmath>

namespace neurodx::ui {

ScanSession::ScanSession(QObject* parent) : QObject(parent), m_scanJobs(new JobRunner(this)), m_sliceJobs(new JobRunner(this))
{
}

ScanSession::~ScanSession() = default;

void ScanSession::open(const SharedOpenedScan& scan)
{
    m_scan = scan;
    m_analysis.reset();
    m_plane = scan->plane;
    m_index = std::clamp(scan->index, 0, std::max(0, count() - 1));
    showSlice();
    predictScan();
}

void ScanSession::close()
{
    m_scan.reset();
    m_analysis.reset();
    m_slicePrediction.reset();
    m_slice = ViewerSlice();
    m_scanAgain = m_scanJobs->isBusy();
    m_sliceAgain = m_sliceJobs->isBusy();
}

void ScanSession::setClassifier(const SharedClassifier& classifier)
{
    m_classifier = classifier;
    m_analysis.reset();
    predictScan();
    predictSlice();
}

void ScanSession::setSaliencyClass(int classIndex)
{
    m_saliencyClass = classIndex;
    predictSlice();
}

int ScanSession::count() const
{
    return m_scan ? sliceCount(m_scan->volume, m_plane) : 0;
}

void ScanSession::setPlane(SlicePlane plane)
{
    if (!m_scan || plane == m_plane)
        return;
    // An index means nothing across planes: start in the new plane's middle.
    m_plane = plane;
    m_index = count() / 2;
    showSlice();
}

void ScanSession::setIndex(int index)
{
    index = std::clamp(index, 0, std::max(0, count() - 1));
    if (!m_scan || index == m_index)
        return;
    m_index = index;
    showSlice();
}

void ScanSession::step(int delta)
{
    setIndex(m_index + delta);
}

QString ScanSession::positionText() const
{
    return m_scan ? QString::fromStdString(slicePositionText(m_scan->volume, m_plane, m_index)) : QString();
}

std::string ScanSession::sliceName() const
{
    return m_scan ? m_scan->path.string() + "#" + slicePlaneName(m_plane) + ":" + std::to_string(m_index) : std::string();
}

void ScanSession::showSlice()
{
    // One slice copied out of memory (a millisecond for 256 x 256): done here, so the wheel answers at once.
    m_slice = toViewerSlice(volumeSlice(m_scan->volume, m_plane, m_index, m_scan->range), sliceName());
    m_slicePrediction.reset();
    emit sliceChanged();
    predictSlice();
}

bool ScanSession::isBusy() const
{
    return m_scanJobs->isBusy() || m_sliceJobs->isBusy();
}

void ScanSession::cancelAndWait()
{
    m_scanJobs->cancelAndWait();
    m_sliceJobs->cancelAndWait();
}

void ScanSession::predictScan()
{
    if (!m_scan || !m_classifier)
        return;
    if (m_scanJobs->isBusy()) {
        m_scanAgain = true;
        return;
    }
    m_scanAgain = false;
    emit scanPredicting(tr("Predicting every slice of the model's range..."));
    const SharedClassifier classifier = m_classifier;
    const SharedOpenedScan scan = m_scan;
    // A request made while this one ran is served once it ends, instead of its answer.
    const auto finish = [this] {
        if (!m_scanAgain)
            return false;
        predictScan();
        return true;
    };
    m_scanJobs->run<SharedScanAnalysis>(
        [classifier, scan](JobContext&) { return SharedScanAnalysis(std::make_shared<const ScanAnalysis>(analyseScan(*classifier, scan->volume))); },
        {[this, finish](const SharedScanAnalysis& analysis) {
             if (finish())
                 return;
             m_analysis = analysis;
             emit scanPredicted(m_analysis);
         },
         [this, finish](const QString& message) {
             if (!finish())
                 emit predictionFailed(message);
         },
         [finish] { finish(); }});
}

void ScanSession::predictSlice()
{
    if (!m_scan || !m_classifier)
        return;
    if (m_sliceJobs->isBusy()) {
        m_sliceAgain = true;
        return;
    }
    m_sliceAgain = false;
    emit slicePredicting();
    const SharedClassifier classifier = m_classifier;
    const SharedOpenedScan scan = m_scan;
    const SlicePlane plane = m_plane;
    const int index = m_index;
    const std::string name = sliceName();
    const int saliency = m_saliencyClass;
    const auto finish = [this] {
        if (!m_sliceAgain)
            return false;
        predictSlice();
        return true;
    };
    m_sliceJobs->run<SharedSlicePrediction>(
        [classifier, scan, plane, index, name, saliency](JobContext&) {
            const Slice slice = volumeSlice(scan->volume, plane, index, scan->range);
            return SharedSlicePrediction(std::make_shared<const SlicePrediction>(classifier->classify(slice, name, saliency)));
        },
        {[this, finish](const SharedSlicePrediction& prediction) {
             if (finish())
                 return;
             if (!m_scan || prediction->prediction.file != sliceName())
                 return; // an answer about a slice no longer shown
             m_slicePrediction = prediction;
             emit slicePredicted(prediction);
         },
         [this, finish](const QString& message) {
             if (!finish())
                 emit predictionFailed(message);
         },
         [finish] { finish(); }});
}

ScanReport ScanSession::report(double low, double high, bool inverted, double heatmapOpacity) const
{
    ScanReport report;
    if (!m_scan)
        return report;
    const Volume& volume = m_scan->volume;
    const VolumeGeometry& g = volume.geometry;
    report.scanText = tr("%1, %2 x %3 x %4 voxels of %5 x %6 x %7 mm%8")
                          .arg(QString::fromStdString(volume.source.kind))
                          .arg(g.size[0])
                          .arg(g.size[1])
                          .arg(g.size[2])
                          .arg(g.spacing[0], 0, 'f', 2)
                          .arg(g.spacing[1], 0, 'f', 2)
                          .arg(g.spacing[2], 0, 'f', 2)
                          .arg(volume.source.seriesDescription.empty() ? QString() : QStringLiteral(", ") + QString::fromStdString(volume.source.seriesDescription));
    for (const std::string& w : volume.source.warnings)
        report.warnings << QString::fromStdString(w);
    if (!m_analysis)
        return report;
    const ScanPrediction& p = m_analysis->prediction;
    report.classNames = toQStringList(p.classNames);
    report.probabilities = p.probabilities;
    report.predicted = p.predicted;
    const int agreeing = static_cast<int>(std::lround(p.agreement * static_cast<double>(p.slices.size())));
    report.aggregationText = tr("The mean of the probabilities of %1 slices: %2%3. %4 of them (%5%) predict %6 on their own.")
                                 .arg(p.slices.size())
                                 .arg(QString::fromStdString(p.selection.describe()))
                                 .arg(p.selectionFromModel ? tr(", the range the model was trained on") : QString())
                                 .arg(agreeing)
                                 .arg(p.agreement * 100.0, 0, 'f', 0)
                                 .arg(report.classNames.value(p.predicted));
    report.warnings.clear();
    for (const std::string& w : p.warnings) // the volume's warnings are among them
        report.warnings << QString::fromStdString(w);
    for (const RepresentativeSlice& r : m_analysis->representatives) {
        ScanReportSlice shown;
        shown.slice = windowedImage(r.slice, low, high, inverted).convertToFormat(QImage::Format_RGB32);
        const SaliencyMap& map = r.prediction.saliency;
        if (!map.isEmpty() && map.width == r.slice.width && map.height == r.slice.height)
            shown.heatmap = withHeatmap(shown.slice, heatmapImage(map.values, map.width, map.height), heatmapOpacity);
        const Prediction& own = r.prediction.prediction;
        shown.caption = tr("%1 %2, %3: %4 %5%")
                            .arg(QString::fromLatin1(slicePlaneName(p.selection.plane)))
                            .arg(r.index)
                            .arg(QString::fromStdString(r.position))
                            .arg(report.classNames.value(own.predicted))
                            .arg(own.confidence * 100.0, 0, 'f', 0);
        report.slices.push_back(shown);
    }
    return report;
}

} // namespace neurodx::ui
