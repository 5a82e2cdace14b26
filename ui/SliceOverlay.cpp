#include "SliceOverlay.h"

#include <QFileInfo>
#include <QObject>
#include <QStringList>

namespace neurodx::ui {

QString SliceOverlay::corner(int corner) const
{
    // An identifying attribute (core's one list) is left out while identifiers are hidden.
    const auto tag = [&](const char* name) {
        return hideIdentifiers && isIdentifyingAttribute(name) ? QString() : QString::fromStdString(tagValue(*tags, name));
    };
    const auto number = [](double v) { return QString::number(v, 'g', 6); };
    QStringList lines;
    switch (corner) {
    case 0:
        if (hideIdentifiers)
            lines << QObject::tr("Identifiers hidden");
        else
            lines << tag("PatientName") << tag("PatientID") << QStringList{tag("PatientBirthDate"), tag("PatientSex")}.join(QLatin1Char(' ')).trimmed()
                  << QFileInfo(file).fileName();
        break;
    case 1:
        lines << tag("StudyDescription") << (tags->empty() ? seriesDescription : tag("SeriesDescription")) << tag("StudyDate") << tag("InstitutionName");
        break;
    case 2:
        lines << scanLines;
        lines << QObject::tr("%1 x %2  zoom %3%").arg(info->width).arg(info->height).arg(zoom * 100, 0, 'f', 0);
        if (info->frames > 1 && scanLines.isEmpty()) // a scan's slice says where it is in the lines above
            lines << QObject::tr("frame %1 of %2").arg(info->frame + 1).arg(info->frames);
        break;
    case 3:
        lines << QObject::tr("W %1  L %2").arg(number(windowWidth), number(windowCenter));
        lines << QStringList{QString::fromStdString(info->modality), QString::fromStdString(info->photometric)}.join(QLatin1Char(' ')).trimmed();
        break;
    default:
        break;
    }
    lines.removeAll(QString());
    return lines.join(QLatin1Char('\n'));
}

} // namespace neurodx::ui
