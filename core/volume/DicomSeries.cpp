#include "DicomSeries.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace neurodx {

int DicomSeries::missingSlices() const
{
    return static_cast<int>(std::count(sliceAtIndex.begin(), sliceAtIndex.end(), -1));
}

namespace {

// Planes of one stack must agree to within these (DICOM decimal strings carry about 6 digits).
constexpr double kSameDirection = 0.9999;   // cosine: about 0.8 degrees
constexpr double kSamePositionMm = 0.01;
constexpr double kSpacingTolerance = 0.2;   // steps within 20% of the median are regular
constexpr int kMaxMissingInOneGap = 3;

std::string millimetres(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f mm", value);
    return text;
}

std::string planeName(const Vec3& normal)
{
    const double x = std::abs(normal[0]), y = std::abs(normal[1]), z = std::abs(normal[2]);
    const char* name = x >= y && x >= z ? "sagittal" : y >= z ? "coronal" : "axial";
    const double largest = std::max({x, y, z});
    return largest > 0.995 ? name : std::string("oblique ") + name;
}

struct Plane {
    const DicomSliceHeader* header = nullptr;
    int frame = 0;
    Vec3 position{};
};

// The key that puts planes into one stack: orientation, size and spacing.
struct Stack {
    const DicomSliceHeader* first = nullptr;
    std::vector<Plane> planes;

    bool accepts(const DicomSliceHeader& h) const
    {
        const auto& a = *first->orientation;
        const auto& b = *h.orientation;
        if (dot(a[0], b[0]) < kSameDirection || dot(a[1], b[1]) < kSameDirection)
            return false;
        if (h.rows != first->rows || h.columns != first->columns)
            return false;
        const auto sa = first->pixelSpacing.value_or(std::array<double, 2>{1, 1});
        const auto sb = h.pixelSpacing.value_or(std::array<double, 2>{1, 1});
        return std::abs(sa[0] - sb[0]) <= 1e-3 * sa[0] && std::abs(sa[1] - sb[1]) <= 1e-3 * sa[1];
    }
    std::string describe() const
    {
        return std::to_string(planes.size()) + " " + planeName(first->sliceNormal()) + " " + std::to_string(first->columns) + "x" +
               std::to_string(first->rows);
    }
};

// Sort key among planes at one position: the first echo / time point / acquisition comes first.
auto volumeOrder(const Plane& p)
{
    const DicomSliceHeader& h = *p.header;
    return std::make_tuple(h.temporalPosition.value_or(0), h.echoNumber.value_or(0), h.acquisitionNumber.value_or(0),
                           h.instanceNumber.value_or(0), h.file.string(), p.frame);
}

void assemble(DicomSeries& series, const std::vector<const DicomSliceHeader*>& headers)
{
    for (const DicomSliceHeader* h : headers)
        series.files.push_back(h->file);
    std::sort(series.files.begin(), series.files.end());
    const DicomSliceHeader& any = *headers.front();
    series.seriesDescription = any.seriesDescription;
    series.modality = any.modality;
    series.patientId = any.patientId;
    series.studyDate = any.studyDate;

    std::vector<const DicomSliceHeader*> images;
    int localizers = 0;
    for (const DicomSliceHeader* h : headers) {
        if (h->isMosaic()) {
            series.error = "a Siemens mosaic (" + (h->mosaicImages > 1 ? std::to_string(h->mosaicImages) + " images" : std::string("several images")) +
                           " tiled in each frame): an fMRI or diffusion series, not T1 anatomy";
            return;
        }
        if (h->samplesPerPixel > 1) {
            series.error = "a colour series (" + std::to_string(h->samplesPerPixel) + " samples per pixel), not an MR volume";
            return;
        }
        if (h->isLocalizer())
            ++localizers;
        else
            images.push_back(h);
    }
    if (localizers > 0)
        series.warnings.push_back(std::to_string(localizers) + " localizer image(s) passed over");
    if (images.empty()) {
        series.error = "only localizer images, no volume";
        return;
    }

    std::vector<Stack> stacks;
    for (const DicomSliceHeader* h : images) {
        if (!h->hasPlaneGeometry()) {
            series.error = h->frames > 1 ? "a multi-frame file without per-frame positions (" + h->file.filename().string() + ")"
                                         : "no ImagePositionPatient / ImageOrientationPatient in " + h->file.filename().string() +
                                               ": the slices cannot be placed in space";
            return;
        }
        if (static_cast<int>(h->framePositions.size()) != h->frames) {
            series.error = h->file.filename().string() + " has " + std::to_string(h->frames) + " frames but " +
                           std::to_string(h->framePositions.size()) + " positions";
            return;
        }
        auto stack = std::find_if(stacks.begin(), stacks.end(), [&](const Stack& s) { return s.accepts(*h); });
        if (stack == stacks.end()) {
            stacks.push_back({h, {}});
            stack = stacks.end() - 1;
        }
        for (int f = 0; f < h->frames; ++f)
            stack->planes.push_back({h, f, h->framePositions[static_cast<std::size_t>(f)]});
    }
    std::sort(stacks.begin(), stacks.end(), [](const Stack& a, const Stack& b) { return a.planes.size() > b.planes.size(); });
    const Stack& main = stacks.front();
    std::size_t others = 0;
    std::vector<std::string> otherNames;
    for (std::size_t s = 1; s < stacks.size(); ++s) {
        others += stacks[s].planes.size();
        otherNames.push_back(stacks[s].describe());
    }
    if (others > 0) {
        // A few odd planes are scouts or reformats left in the series; two real stacks are two scans.
        if (others * 10 > main.planes.size() || stacks.size() > 3) {
            std::string list = main.describe();
            for (const std::string& name : otherNames)
                list += ", " + name;
            series.error = "the series mixes image stacks of different orientation, size or pixel spacing (" + list + ")";
            return;
        }
        series.warnings.push_back(std::to_string(others) + " image(s) with another orientation or size passed over (" + otherNames.front() +
                                  (otherNames.size() > 1 ? ", ..." : "") + ")");
    }

    const DicomSliceHeader& reference = *main.first;
    const Vec3 normal = reference.sliceNormal();
    std::vector<Plane> planes = main.planes;
    std::sort(planes.begin(), planes.end(), [&](const Plane& a, const Plane& b) {
        const double da = dot(a.position, normal), db = dot(b.position, normal);
        if (std::abs(da - db) > kSamePositionMm)
            return da < db;
        return volumeOrder(a) < volumeOrder(b);
    });

    // Planes sharing a position: several echoes or time points (all positions alike), or copies.
    std::vector<std::vector<Plane>> positions;
    for (const Plane& p : planes) {
        if (!positions.empty() && std::abs(dot(p.position, normal) - dot(positions.back().front().position, normal)) <= kSamePositionMm)
            positions.back().push_back(p);
        else
            positions.push_back({p});
    }
    const std::size_t perPosition = positions.front().size();
    const bool allAlike = std::all_of(positions.begin(), positions.end(), [&](const auto& group) { return group.size() == perPosition; });
    if (perPosition > 1 && allAlike) {
        series.warnings.push_back("the series holds " + std::to_string(perPosition) +
                                  " volumes at the same positions (echoes or time points): the first is used");
    } else {
        std::size_t duplicated = 0;
        for (const auto& group : positions)
            duplicated += group.size() - 1;
        if (duplicated > 0)
            series.warnings.push_back(std::to_string(duplicated) + " image(s) repeat a slice position already present (duplicated files?): the first of each position is used");
    }
    if (positions.size() < 2) {
        series.error = "a single slice, not a volume (open it as an image)";
        return;
    }

    std::vector<double> offsets;
    for (const auto& group : positions)
        offsets.push_back(dot(group.front().position, normal));
    std::vector<double> steps;
    for (std::size_t i = 1; i < offsets.size(); ++i)
        steps.push_back(offsets[i] - offsets[i - 1]);
    std::vector<double> sorted = steps;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    const double median = sorted[sorted.size() / 2];

    std::vector<int> indexOfPosition{0};
    int missing = 0;
    std::string gapText;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const double ratio = steps[i] / median;
        const long whole = std::lround(ratio);
        if (whole < 1 || std::abs(ratio - static_cast<double>(whole)) > kSpacingTolerance) {
            series.error = "irregular slice spacing: a step of " + millimetres(steps[i]) + " where the others are " + millimetres(median);
            return;
        }
        if (whole > 1) {
            if (whole - 1 > kMaxMissingInOneGap) {
                series.error = std::to_string(whole - 1) + " slices missing between " + millimetres(offsets[i]) + " and " + millimetres(offsets[i + 1]) +
                               ": too large a gap to fill";
                return;
            }
            missing += static_cast<int>(whole - 1);
            if (gapText.empty())
                gapText = " (first between " + millimetres(offsets[i]) + " and " + millimetres(offsets[i + 1]) + ")";
        }
        indexOfPosition.push_back(indexOfPosition.back() + static_cast<int>(whole));
    }
    const int total = indexOfPosition.back() + 1;
    if (missing > std::max(kMaxMissingInOneGap, total / 20)) {
        series.error = std::to_string(missing) + " of " + std::to_string(total) + " slices missing" + gapText + ": too many to fill";
        return;
    }
    if (missing > 0)
        series.warnings.push_back(std::to_string(missing) + " slice(s) missing" + gapText + ", filled by linear interpolation");

    // Positions should lie on one line along the normal; a lateral drift means a sheared stack.
    double drift = 0;
    const Vec3& first = positions.front().front().position;
    for (const auto& group : positions) {
        const Vec3& p = group.front().position;
        const double along = dot(p, normal) - dot(first, normal);
        const Vec3 lateral{p[0] - first[0] - along * normal[0], p[1] - first[1] - along * normal[1], p[2] - first[2] - along * normal[2]};
        drift = std::max(drift, norm(lateral));
    }
    const auto spacing = reference.pixelSpacing.value_or(std::array<double, 2>{1.0, 1.0});
    if (!reference.pixelSpacing)
        series.warnings.push_back("no PixelSpacing: 1 mm pixels assumed");
    if (drift > 0.5 * std::min(spacing[0], spacing[1]))
        series.warnings.push_back("the slices drift sideways by up to " + millimetres(drift) +
                                  " (a sheared stack, e.g. gantry tilt): they are stacked along the normal");

    series.geometry.size = {reference.columns, reference.rows, total};
    series.geometry.spacing = {spacing[1], spacing[0], (offsets.back() - offsets.front()) / (total - 1)};
    series.geometry.origin = first;
    series.geometry.direction = {(*reference.orientation)[0], (*reference.orientation)[1], normal};
    series.sliceAtIndex.assign(static_cast<std::size_t>(total), -1);
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const Plane& p = positions[i].front();
        SeriesSlice slice;
        slice.file = p.header->file;
        slice.frame = p.frame;
        slice.offsetMm = offsets[i];
        if (!p.header->frameRescale.empty()) {
            slice.rescale = p.header->frameRescale[static_cast<std::size_t>(p.frame)];
            slice.frameRescale = true;
        }
        series.sliceAtIndex[static_cast<std::size_t>(indexOfPosition[i])] = static_cast<int>(series.slices.size());
        series.slices.push_back(std::move(slice));
    }
}

} // namespace

std::vector<DicomSeries> assembleDicomSeries(const std::vector<DicomSliceHeader>& headers)
{
    std::map<std::string, std::vector<const DicomSliceHeader*>> byUid;
    for (const DicomSliceHeader& h : headers)
        byUid[h.seriesInstanceUid].push_back(&h);
    std::vector<DicomSeries> result;
    for (auto& [uid, members] : byUid) {
        if (uid.empty()) {
            // Without a SeriesInstanceUID nothing says which files belong together: each stands alone.
            for (const DicomSliceHeader* h : members) {
                DicomSeries alone;
                alone.files = {h->file};
                alone.modality = h->modality;
                alone.seriesDescription = h->seriesDescription;
                alone.error = "no SeriesInstanceUID: the file cannot be grouped into a series";
                result.push_back(std::move(alone));
            }
            continue;
        }
        DicomSeries series;
        series.seriesInstanceUid = uid;
        assemble(series, members);
        result.push_back(std::move(series));
    }
    std::sort(result.begin(), result.end(), [](const DicomSeries& a, const DicomSeries& b) { return a.files.front() < b.files.front(); });
    return result;
}

} // namespace neurodx
