#include "AdniDownload.h"

#include "common/AtomicFile.h"
#include "common/CancelToken.h"
#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "synthetic/PhantomGenerator.h"
#include "synthetic/PhantomVolume.h"
#include "volume/DicomSeriesWriter.h"
#include "volume/NiftiWriter.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace fs = std::filesystem;

namespace neurodx {

namespace {

constexpr int kVisitMonths[] = {0, 6, 12, 24, 36};
constexpr const char* kLaterVisits[] = {"", "m06", "m12", "m24", "m36"};
// ADNI MPRAGE DICOMs are unsigned 16-bit without rescaling; the phantom's [0, 1] maps to 0..4000.
constexpr double kScannerUnits = 4000.0;

// A calendar date and time of day.
struct DateTime {
    int year = 2000, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

// Days since 1970-01-01 to a civil date (Hinnant, "chrono-compatible low-level date algorithms").
DateTime dateFromDays(long long days, int secondsOfDay)
{
    days += 719468;
    const long long era = (days >= 0 ? days : days - 146096) / 146097;
    const long long dayOfEra = days - era * 146097;
    const long long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const long long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const long long mp = (5 * dayOfYear + 2) / 153;
    DateTime t;
    t.day = static_cast<int>(dayOfYear - (153 * mp + 2) / 5 + 1);
    t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    t.year = static_cast<int>(yearOfEra + era * 400 + (t.month <= 2 ? 1 : 0));
    t.hour = secondsOfDay / 3600;
    t.minute = secondsOfDay / 60 % 60;
    t.second = secondsOfDay % 60;
    return t;
}

long long daysFromDate(int year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const long long era = (year >= 0 ? year : year - 399) / 400;
    const long long yearOfEra = year - era * 400;
    const long long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const long long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

std::string format(const char* pattern, const DateTime& t)
{
    char text[64];
    std::snprintf(text, sizeof text, pattern, t.year, t.month, t.day, t.hour, t.minute, t.second);
    return text;
}

std::string subjectIdFor(int globalIndex)
{
    char text[32];
    std::snprintf(text, sizeof text, "%03d_S_%04d", 2 + (globalIndex * 53) % 140, 1000 + globalIndex * 3);
    return text;
}

std::string csvField(const std::string& field) { return "\"" + field + "\""; }

void checkOptions(const AdniDownloadOptions& o)
{
    const auto bad = [](const std::string& what) { throw NeuroDxError(ErrorKind::InvalidArgument, what); };
    if (o.subjectsPerClass < 1 || o.subjectsPerClass > 1000)
        bad("subjects per class must be 1..1000");
    if (o.smcSubjects < 0 || o.smcSubjects > 1000)
        bad("SMC subjects must be 0..1000");
    if (o.visits < 1 || o.visits > 5)
        bad("visits must be 1..5");
    if (o.inPlaneVoxels < 8 || o.inPlaneVoxels > 512)
        bad("in-plane size must be 8..512 voxels");
    if (o.slices < 4 || o.slices > 512)
        bad("slices per scan must be 4..512");
    for (const double f : {o.niftiFraction, o.axialFraction, o.obliqueFraction, o.difficulty})
        if (!(f >= 0.0 && f <= 1.0))
            bad("fractions and difficulty must be between 0 and 1");
}

// Exactly round(fraction * count) of the scans, picked by a seeded shuffle.
std::vector<bool> pick(int count, double fraction, std::uint64_t seed, std::uint64_t label)
{
    std::vector<int> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    SeededRandom(SeededRandom::derive(seed, label)).shuffle(order);
    std::vector<bool> chosen(static_cast<std::size_t>(count), false);
    const int wanted = static_cast<int>(std::lround(fraction * count));
    for (int n = 0; n < wanted; ++n)
        chosen[static_cast<std::size_t>(order[static_cast<std::size_t>(n)])] = true;
    return chosen;
}

struct SubjectPlan {
    std::string className, group;
    double diseaseLevel;
};

} // namespace

AdniDownloadSummary writeSyntheticAdniDownload(const fs::path& root, const AdniDownloadOptions& options, const CancelToken* cancel,
                                               const std::function<void(int, int)>& progress)
{
    checkOptions(options);
    std::vector<SubjectPlan> subjects;
    const char* classes[] = {"CN", "MCI", "AD"};
    for (int label = 0; label < 3; ++label)
        for (int i = 0; i < options.subjectsPerClass; ++i) {
            // ADNI's Group column names MCI by stage in ADNI-GO/2 and later.
            static const char* mciGroups[] = {"MCI", "EMCI", "LMCI"};
            subjects.push_back({classes[label], label == 1 ? mciGroups[i % 3] : classes[label], label * 0.5});
        }
    for (int i = 0; i < options.smcSubjects; ++i)
        subjects.push_back({"SMC", "SMC", 0.15});

    const int totalScans = static_cast<int>(subjects.size()) * options.visits;
    const std::vector<bool> asNifti = pick(totalScans, options.niftiFraction, options.seed, 0xA11F);
    const std::vector<bool> axial = pick(totalScans, options.axialFraction, options.seed, 0xA11A);
    const std::vector<bool> oblique = pick(totalScans, options.obliqueFraction, options.seed, 0xA110);

    AdniDownloadSummary summary;
    summary.root = root;
    summary.csvPath = options.csvPath.empty() ? root / kAdniCollectionCsvName : options.csvPath;
    std::string csv = "\"Image Data ID\",\"Subject\",\"Group\",\"Sex\",\"Age\",\"Visit\",\"Modality\",\"Description\",\"Type\",\"Acq Date\",\"Format\",\"Downloaded\"\n";
    int scanIndex = 0;
    int niftiCount = 0;
    for (std::size_t g = 0; g < subjects.size(); ++g) {
        const SubjectPlan& plan = subjects[g];
        const int globalIndex = static_cast<int>(g);
        const std::string ptid = subjectIdFor(globalIndex);
        const PhantomSubject anatomy = drawPhantomSubject(options.seed, globalIndex, plan.diseaseLevel, options.difficulty);
        SeededRandom random(SeededRandom::derive(options.seed, 0xAD0DE30ull + static_cast<std::uint64_t>(globalIndex)));
        const std::string sex = random.below(2) ? "F" : "M";
        const int baselineAge = 60 + static_cast<int>(random.below(31));
        const long long baselineDay = daysFromDate(2005, 9, 1) + static_cast<long long>(random.below(5 * 365));
        const std::string firstVisit = random.below(2) ? "bl" : "sc";

        for (int v = 0; v < options.visits; ++v, ++scanIndex) {
            if (cancel && cancel->isCancelled())
                throw NeuroDxError(ErrorKind::Cancelled, "writing the synthetic ADNI download was cancelled");
            const int months = kVisitMonths[v];
            const long long day = baselineDay + std::llround(months * 30.44) + (v > 0 ? static_cast<long long>(random.below(21)) - 10 : 0);
            const DateTime when = dateFromDays(day, 8 * 3600 + static_cast<int>(random.below(10 * 3600)));
            const int milliseconds = static_cast<int>(random.below(1000));
            const long long imageId = 10000 + scanIndex * 97LL + static_cast<long long>(random.below(90));
            const long long seriesId = 3000 + scanIndex * 61LL + static_cast<long long>(random.below(50));
            const double tilt = oblique[static_cast<std::size_t>(scanIndex)] ? (random.below(2) ? 1 : -1) * random.uniform(8.0, 15.0) : 0.0;

            // The same person at each visit, with the atrophy their disease adds over the months.
            PhantomSubject visitAnatomy = anatomy;
            visitAnatomy.atrophy += (0.02 + 0.06 * plan.diseaseLevel) * months / 12.0;
            const VolumeGeometry grid = phantomHeadGrid(options.inPlaneVoxels, options.slices,
                                                        axial[static_cast<std::size_t>(scanIndex)] ? PhantomPlane::Axial : PhantomPlane::Sagittal, tilt);
            PhantomVolumeOptions render;
            render.noise = options.noise;
            Volume volume = renderPhantomVolume(visitAnatomy, grid, SeededRandom::derive(options.seed, 0xAD5CA4ull + static_cast<std::uint64_t>(scanIndex)), render);
            for (float& value : volume.voxels)
                value = static_cast<float>(std::nearbyint(value * kScannerUnits));
            volume.source.seriesDescription = "MPRAGE";

            AdniScan scan;
            scan.subject = ptid;
            scan.group = plan.group;
            scan.className = plan.className;
            scan.visit = v == 0 ? firstVisit : kLaterVisits[v];
            scan.acqDate = std::to_string(when.month) + "/" + std::to_string(when.day) + "/" + std::to_string(when.year);
            scan.imageId = imageId;
            scan.seriesId = seriesId;
            scan.storedAxes = grid.axisCodes();
            scan.obliqueDegrees = tilt;
            scan.slices = grid.size[2];
            const fs::path folder = root / "ADNI" / ptid / "MPRAGE" / format("%04d-%02d-%02d_%02d_%02d_%02d.0", when) / ("I" + std::to_string(imageId));
            const std::string stamp = format("%04d%02d%02d%02d%02d%02d", when);

            if (asNifti[static_cast<std::size_t>(scanIndex)]) {
                char name[256];
                std::snprintf(name, sizeof name, "ADNI_%s_MR_MPRAGE_br_raw_%s%03d_S%lld_I%lld.%s", ptid.c_str(), stamp.c_str(), milliseconds, seriesId,
                              imageId, niftiCount++ % 2 == 0 ? "nii" : "nii.gz");
                std::error_code ec;
                fs::create_directories(folder, ec);
                if (ec)
                    throw NeuroDxError(ErrorKind::Io, folder, "cannot create the folder: " + ec.message());
                NiftiWriteOptions nifti;
                nifti.dataType = NiftiDataType::Int16;
                writeNifti(folder / name, volume, nifti);
                scan.path = folder / name;
                scan.kind = "NIfTI";
                scan.files = 1;
            } else {
                DicomSeriesWriteOptions dicom;
                dicom.signedPixels = false;
                dicom.windowCenter = kScannerUnits / 2;
                dicom.windowWidth = kScannerUnits;
                dicom.patientId = ptid; // ADNI's de-identified downloads carry the PTID in both
                dicom.patientName = ptid;
                dicom.patientSex = sex;
                char age[16];
                std::snprintf(age, sizeof age, "%03dY", baselineAge + months / 12);
                dicom.patientAge = age;
                dicom.studyDate = format("%04d%02d%02d", when);
                dicom.studyTime = stamp.substr(8);
                dicom.seriesDescription = "MPRAGE";
                dicom.uidSeed = SeededRandom::derive(options.seed, 0xD1C0ull + static_cast<std::uint64_t>(scanIndex));
                dicom.adniNaming = AdniFileNaming{ptid, "MPRAGE", stamp, seriesId, imageId};
                const WrittenDicomSeries written = writeDicomSeries(folder, volume, dicom);
                scan.path = folder;
                scan.kind = "DICOM";
                scan.files = static_cast<int>(written.files.size());
            }
            summary.files += scan.files;
            csv += csvField("I" + std::to_string(imageId)) + "," + csvField(ptid) + "," + csvField(plan.group) + "," + csvField(sex) + "," +
                   csvField(std::to_string(baselineAge + months / 12)) + "," + csvField(scan.visit) + "," + csvField("MRI") + "," + csvField("MPRAGE") + "," +
                   csvField("Original") + "," + csvField(scan.acqDate) + "," + csvField(scan.kind == "NIfTI" ? "NiFTI" : "DCM") + "," +
                   csvField("1/15/2024") + "\n";
            summary.scans.push_back(std::move(scan));
            if (progress)
                progress(scanIndex + 1, totalScans);
        }
        ++summary.subjects;
    }
    std::error_code ec;
    fs::create_directories(summary.csvPath.parent_path().empty() ? fs::path(".") : summary.csvPath.parent_path(), ec);
    writeFileAtomically(summary.csvPath, csv);
    return summary;
}

} // namespace neurodx
