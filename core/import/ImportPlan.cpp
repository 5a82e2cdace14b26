// planImport: what an import will do, decided before anything is written.
#include "ScanImport.h"

#include "import/ImportFiles.h"

#include "common/CancelToken.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "dataset/MetadataCsv.h"
#include "dataset/SubjectId.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

namespace fs = std::filesystem;

namespace neurodx {

std::size_t ImportPlan::countToImport() const
{
    return static_cast<std::size_t>(std::count_if(scans.begin(), scans.end(), [](const PlannedScan& s) { return s.willImport(); }));
}

std::size_t ImportPlan::countAlreadyImported() const
{
    return static_cast<std::size_t>(std::count_if(scans.begin(), scans.end(), [](const PlannedScan& s) { return s.alreadyImported; }));
}

std::size_t ImportPlan::countSkipped() const
{
    return static_cast<std::size_t>(std::count_if(scans.begin(), scans.end(), [](const PlannedScan& s) { return !s.skipReason.empty(); }));
}

namespace {

std::string hashKey(char prefix, const std::string& text)
{
    const std::uint64_t hash = fnv1a64(text);
    char key[24];
    std::snprintf(key, sizeof key, "%c%012llx", prefix, static_cast<unsigned long long>(hash >> 16));
    return key;
}

// "20060418" -> "2006-04-18"; ADNI folders "2006-04-18_08_20_30.0" -> "2006-04-18".
std::string dateFrom(const std::string& dicomDate, const std::string& relativePath)
{
    if (dicomDate.size() == 8 && std::all_of(dicomDate.begin(), dicomDate.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return dicomDate.substr(0, 4) + "-" + dicomDate.substr(4, 2) + "-" + dicomDate.substr(6, 2);
    for (const fs::path& part : fs::path(relativePath)) {
        const std::string name = part.string();
        if (name.size() >= 10) {
            const std::string iso = isoDate(name.substr(0, 10));
            if (!iso.empty())
                return iso;
        }
    }
    return {};
}

// Baseline visits sort first among visits of the same date (ADNI: "sc" screening, "bl" baseline).
int visitRank(const std::string& visit)
{
    const std::string v = toLower(visit);
    if (v == "sc" || v == "scmri" || v == "bl" || v == "init")
        return 0;
    return 1;
}

void decideIdentity(PlannedScan& scan, const ImportOptions& options, const std::optional<MetadataTable>& metadata)
{
    const PathIdentity identity = identityFromPath(scan.relativePath);
    if (identity.imageDataId)
        scan.imageDataId = *identity.imageDataId;
    const std::optional<MetadataRecord> record = metadata && identity.imageDataId ? metadata->find(*identity.imageDataId) : std::nullopt;
    const DicomSeries& series = scan.source.series;

    if (record && !record->subject.empty())
        scan.subject = record->subject;
    else if (identity.subject)
        scan.subject = *identity.subject;
    else if (!series.patientId.empty())
        scan.subject = subjectFromPatientId(series.patientId);

    scan.date = record && !record->acquisitionDate.empty() ? record->acquisitionDate : dateFrom(series.studyDate, scan.relativePath);
    scan.visit = record && !record->visit.empty() ? record->visit : scan.date;
    scan.visit.erase(std::remove(scan.visit.begin(), scan.visit.end(), '-'), scan.visit.end());
    if (scan.visit.empty())
        scan.visit = "scan";
    scan.description = record && !record->description.empty() ? record->description : series.seriesDescription;

    scan.key = !scan.imageDataId.empty() ? scan.imageDataId
               : scan.source.kind == ScanSource::Kind::DicomSeries && !series.seriesInstanceUid.empty() ? hashKey('s', series.seriesInstanceUid)
                                                                                                         : hashKey('n', scan.relativePath);
    if (scan.subject.empty())
        scan.subject = "unknown-" + scan.key;

    // The class: the CSV's Group for this image, else the first folder below the source when it names one.
    if (record) {
        scan.group = record->group;
        if (const auto label = options.classes.labelOf(scan.group))
            scan.label = *label;
        else
            scan.skipReason = "group " + scan.group + " is not one of the classes (" + join(options.classes.names(), ", ") + ")";
    } else if (metadata) {
        scan.skipReason = "image " + (scan.imageDataId.empty() ? std::string("(no ADNI image id in its path)") : scan.imageDataId) +
                          " is not in the metadata CSV";
    } else {
        const fs::path relative(scan.relativePath);
        const std::string folder = std::distance(relative.begin(), relative.end()) > 1 ? relative.begin()->string() : std::string();
        if (const auto label = options.classes.labelOf(folder)) {
            scan.group = folder;
            scan.label = *label;
        } else {
            scan.skipReason = "no class: give the IDA collection CSV (--metadata) or put the scans in class folders (" +
                              join(options.classes.names(), ", ") + ")";
        }
    }
    if (!scan.source.isUsable())
        scan.skipReason = scan.source.error; // a scan that cannot be read is reported as such first
}

void keepBaselineOnly(std::vector<PlannedScan>& scans)
{
    std::map<std::string, const PlannedScan*> first;
    const auto earlier = [](const PlannedScan& a, const PlannedScan& b) {
        const std::string da = a.date.empty() ? "9999" : a.date, db = b.date.empty() ? "9999" : b.date;
        return std::make_tuple(da, visitRank(a.visit), a.relativePath) < std::make_tuple(db, visitRank(b.visit), b.relativePath);
    };
    for (const PlannedScan& scan : scans) {
        if (!scan.skipReason.empty())
            continue;
        const auto it = first.find(scan.subject);
        if (it == first.end() || earlier(scan, *it->second))
            first[scan.subject] = &scan;
    }
    for (PlannedScan& scan : scans)
        if (scan.skipReason.empty() && first[scan.subject] != &scan)
            scan.skipReason = "not the subject's first visit (--baseline-only)";
}

void checkEarlierImport(const ImportOptions& options)
{
    const fs::path record = options.output / kImportRecordFile;
    std::error_code ec;
    if (!fs::exists(record, ec))
        return;
    const nlohmann::json earlier = readJsonFile(record);
    const nlohmann::json wanted = options.slices.toJson();
    if (!earlier.contains("slices") || earlier["slices"] != wanted || earlier.value("baseline_only", false) != options.baselineOnly)
        throw NeuroDxError(ErrorKind::InvalidArgument, record,
                           "this folder was imported with other options (" + (earlier.contains("slices") ? earlier["slices"].dump() : std::string("?")) +
                               (earlier.value("baseline_only", false) ? ", baseline only" : "") +
                               "): import into a new folder, or repeat the same options to resume");
}

} // namespace

ImportPlan planImport(const ImportOptions& options, const CancelToken* cancel, const std::function<void(std::size_t)>& progress)
{
    std::error_code ec;
    if (!fs::is_directory(options.source, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, options.source, "not a folder");
    if (!options.output.empty() && fs::exists(options.output, ec) && fs::equivalent(options.output, options.source, ec))
        throw NeuroDxError(ErrorKind::InvalidArgument, options.output, "the output folder must not be the source folder");
    if (!options.output.empty())
        checkEarlierImport(options);

    ImportPlan plan;
    plan.options = options;
    plan.classNames = options.classes.names();
    std::optional<MetadataTable> metadata;
    if (options.metadataCsv) {
        metadata = MetadataTable::load(*options.metadataCsv);
        plan.warnings = metadata->warnings();
    }
    const ScanSearch search = findScans(options.source, true, cancel, progress);
    plan.otherFiles = search.skipped.size();
    plan.images2d = search.images.size();
    for (const ScanSource& source : search.scans) {
        PlannedScan scan;
        scan.source = source;
        scan.relativePath = source.firstFile().lexically_relative(options.source).generic_string();
        if (scan.relativePath.rfind(options.output.lexically_relative(options.source).generic_string() + "/", 0) == 0 && !options.output.empty())
            continue; // an output folder inside the source holds PNGs, not scans; never import it again
        decideIdentity(scan, options, metadata);
        plan.scans.push_back(std::move(scan));
    }
    if (options.baselineOnly)
        keepBaselineOnly(plan.scans);

    std::map<std::string, int> keys;
    for (PlannedScan& scan : plan.scans)
        if (++keys[scan.key] > 1)
            scan.key += "-" + std::to_string(keys[scan.key]); // the same image id downloaded twice
    for (PlannedScan& scan : plan.scans)
        scan.alreadyImported = scan.skipReason.empty() && !options.output.empty() && fs::exists(importFragmentPath(options.output, scan.key), ec);
    const std::size_t unknown = static_cast<std::size_t>(std::count_if(plan.scans.begin(), plan.scans.end(), [](const PlannedScan& s) {
        return s.subject.rfind("unknown-", 0) == 0 && s.skipReason.empty();
    }));
    if (unknown > 0)
        plan.warnings.push_back(std::to_string(unknown) + " scan(s) have no subject id (no ADNI PTID, CSV row or PatientID): each becomes a subject of its own, "
                                "so a person's visits could land in different parts of a split");
    return plan;
}

} // namespace neurodx
