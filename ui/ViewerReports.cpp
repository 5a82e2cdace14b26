#include "ViewerReports.h"

#include "ScanAnalysis.h"
#include "ScanSession.h"

#include "QtStrings.h"
#include "ScanPane.h"
#include "SliceView.h"

#include <QDir>
#include <QObject>

namespace neurodx::ui {

namespace {

QString windowText(const SliceView& view)
{
    return QObject::tr("Window centre %1, width %2").arg(QString::number(view.window().center, 'g', 6), QString::number(view.window().width, 'g', 6));
}

QString modelName(const SliceClassifier& classifier)
{
    return QString::fromStdString(classifier.file().parent_path().filename().string() + "/" + classifier.file().filename().string());
}

// Every identifying attribute the file has (core's one list, DicomTagNode::identifying), in file
// order; UIDs identify too but say nothing to a reader of the report.
QStringList identifiers(const ViewerReportSource& source)
{
    QStringList lines;
    for (const DicomTagNode& node : *source.tags)
        if (node.identifying && node.children.empty() && node.vr != "UI" && !node.value.empty())
            lines << QStringLiteral("%1: %2").arg(QString::fromStdString(node.name), QString::fromStdString(node.value));
    for (const char* name : {"StudyDescription", "SeriesDescription"}) // not identifying, but what the study was
        if (const std::string v = tagValue(*source.tags, name); !v.empty())
            lines << QStringLiteral("%1: %2").arg(QString::fromLatin1(name), QString::fromStdString(v));
    lines << QObject::tr("File: %1").arg(QDir::toNativeSeparators(source.file));
    return lines;
}

} // namespace

SliceReport sliceReport(const ViewerReportSource& source, const SlicePrediction* prediction)
{
    SliceReport report;
    report.slice = source.view->renderedImage(false);
    if (source.view->hasHeatmap())
        report.heatmap = source.view->renderedImage(true);
    report.windowText = windowText(*source.view);
    if (source.classifier) {
        report.classNames = toQStringList(source.classifier->classNames());
        report.modelName = modelName(*source.classifier);
        const bool calibrated = prediction ? prediction->prediction.calibrated : source.classifier->isCalibrated();
        report.modelSummary = QString::fromStdString(source.classifier->summary()) +
                              QObject::tr("\nProbabilities in this report: %1").arg(QString::fromStdString(source.classifier->calibrationText(calibrated)));
    }
    if (prediction) {
        report.probabilities = prediction->prediction.probabilities;
        report.predicted = prediction->prediction.predicted;
        report.heatmapClass = report.classNames.value(prediction->saliency.forClass);
        for (const std::string& w : prediction->prediction.warnings)
            report.warnings << QString::fromStdString(w);
    }
    report.identifiersIncluded = source.includeIdentifiers;
    if (source.includeIdentifiers)
        report.identifiers = identifiers(source);
    return report;
}

ScanReport scanReport(const ViewerReportSource& source, const ScanPane& scan)
{
    ScanReport report = scan.report();
    report.windowText = windowText(*source.view);
    if (source.classifier) {
        report.modelName = modelName(*source.classifier);
        const bool calibrated = scan.session() && scan.session()->analysis() ? scan.session()->analysis()->prediction.calibrated
                                                                             : source.classifier->isCalibrated();
        report.modelSummary = QString::fromStdString(source.classifier->summary()) +
                              QObject::tr("\nProbabilities in this report: %1").arg(QString::fromStdString(source.classifier->calibrationText(calibrated)));
    }
    report.identifiersIncluded = source.includeIdentifiers;
    if (source.includeIdentifiers)
        report.identifiers = identifiers(source);
    return report;
}

} // namespace neurodx::ui
