#include "DicomSeriesWriter.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomOutput.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace fs = std::filesystem;

namespace neurodx {

using dicom::decimal;
using dicom::put;
using dicom::uidFrom;

namespace {

// UID labels under the series' uidSeed.
constexpr std::uint64_t kStudyUid = 2, kSeriesUid = 3, kFrameOfReferenceUid = 4, kLocalizerSeriesUid = 5,
                        kDimensionOrganizationUid = 6, kLocalizerInstanceUid = 999, kFirstInstanceUid = 1000;

// The stored-value mapping, with slope and intercept as the DS text a reader parses.
struct Rescale {
    double slope = 1.0, intercept = 0.0;
    bool write = false; // identity chosen automatically: no Rescale attributes
    double low = 0.0, high = 65535.0;
};

double parsedDecimal(double value) { return std::strtod(decimal(value).c_str(), nullptr); }

Rescale chooseRescale(const Volume& volume, const DicomSeriesWriteOptions& options, const fs::path& folder)
{
    Rescale r;
    r.low = options.signedPixels ? -32768.0 : 0.0;
    r.high = options.signedPixels ? 32767.0 : 65535.0;
    if (options.rescaleSlope || options.rescaleIntercept) {
        r.slope = parsedDecimal(options.rescaleSlope.value_or(1.0));
        r.intercept = parsedDecimal(options.rescaleIntercept.value_or(0.0));
        r.write = true;
        if (!(r.slope != 0.0 && std::isfinite(r.slope)))
            throw NeuroDxError(ErrorKind::InvalidArgument, folder, "RescaleSlope must be finite and non-zero");
        return r;
    }
    double low = std::numeric_limits<double>::infinity(), high = -low;
    bool integral = true;
    for (const float v : volume.voxels) {
        if (!std::isfinite(v))
            throw NeuroDxError(ErrorKind::InvalidArgument, folder, "DICOM pixels cannot hold NaN or infinite values");
        low = std::min(low, double(v));
        high = std::max(high, double(v));
        integral = integral && std::nearbyint(v) == v;
    }
    if (integral && low >= r.low && high <= r.high)
        return r;
    r.slope = high > low ? parsedDecimal((high - low) / (r.high - r.low)) : 1.0;
    r.intercept = parsedDecimal(high > low ? low - r.low * r.slope : low);
    r.write = true;
    return r;
}

// Stored values of a rows x columns plane, as 16-bit words (two's complement when signed).
std::vector<Uint16> quantise(const std::vector<float>& values, const Rescale& r)
{
    std::vector<Uint16> words(values.size());
    for (std::size_t n = 0; n < values.size(); ++n) {
        const double scaled = std::nearbyint((double(values[n]) - r.intercept) / r.slope);
        const double stored = std::isnan(scaled) ? r.low : std::clamp(scaled, r.low, r.high);
        words[n] = static_cast<Uint16>(static_cast<std::int32_t>(stored) & 0xFFFF);
    }
    return words;
}

std::vector<float> slicePlane(const Volume& v, int k)
{
    const std::size_t plane = static_cast<std::size_t>(v.nx()) * static_cast<std::size_t>(v.ny());
    const auto begin = v.voxels.begin() + static_cast<std::ptrdiff_t>(v.offset(0, 0, k));
    return std::vector<float>(begin, begin + static_cast<std::ptrdiff_t>(plane));
}

std::string numbers(std::initializer_list<double> values)
{
    std::string text;
    for (const double v : values)
        text += (text.empty() ? "" : "\\") + decimal(std::abs(v) < 1e-12 ? 0.0 : v);
    return text;
}

std::string orientation(const Vec3& row, const Vec3& column)
{
    return numbers({row[0], row[1], row[2], column[0], column[1], column[2]});
}

std::string position(const Vec3& p) { return numbers({p[0], p[1], p[2]}); }

Vec3 unitNormal(const Vec3& row, const Vec3& column)
{
    Vec3 n = cross(row, column);
    const double length = norm(n);
    return length > 0 ? Vec3{n[0] / length, n[1] / length, n[2] / length} : Vec3{0, 0, 1};
}

// The one integer conversion a file name pattern may hold ("IM%04d.dcm").
void checkPattern(const std::string& pattern)
{
    int conversions = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%')
            continue;
        if (i + 1 < pattern.size() && pattern[i + 1] == '%') {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < pattern.size() && std::isdigit(static_cast<unsigned char>(pattern[j])))
            ++j;
        if (j >= pattern.size() || (pattern[j] != 'd' && pattern[j] != 'i'))
            throw NeuroDxError(ErrorKind::InvalidArgument, "file name pattern '" + pattern + "' may only hold %d conversions");
        ++conversions;
    }
    if (conversions != 1)
        throw NeuroDxError(ErrorKind::InvalidArgument, "file name pattern '" + pattern + "' needs exactly one %d for the file number");
}

std::string fileName(const DicomSeriesWriteOptions& o, int n)
{
    char text[512];
    if (o.adniNaming) {
        const AdniFileNaming& a = *o.adniNaming;
        std::string description = a.description;
        for (char& c : description)
            if (!std::isalnum(static_cast<unsigned char>(c)))
                c = '_';
        std::snprintf(text, sizeof text, "ADNI_%s_MR_%s_br_raw_%s%03d_%d_S%lld_I%lld.dcm", a.subject.c_str(), description.c_str(),
                      a.dateTime.c_str(), (100 + n * 37) % 1000, n, a.seriesId, a.imageId);
    } else {
        std::snprintf(text, sizeof text, o.fileNamePattern.c_str(), n);
    }
    return text;
}

std::vector<int> permutation(int count, std::uint64_t seed, std::uint64_t label)
{
    std::vector<int> values(static_cast<std::size_t>(count));
    std::iota(values.begin(), values.end(), 1);
    SeededRandom(SeededRandom::derive(seed, label)).shuffle(values);
    return values;
}

// Patient, study, series, equipment and acquisition attributes every file of the series carries.
void putSeriesAttributes(DcmItem& ds, const DicomSeriesWriteOptions& o)
{
    const std::string acquisitionDate = o.acquisitionDate.empty() ? o.studyDate : o.acquisitionDate;
    put(ds, DCM_SpecificCharacterSet, "ISO_IR 100");
    put(ds, DCM_Modality, "MR");
    put(ds, DCM_Manufacturer, "NeuroDx synthetic phantom");
    put(ds, DCM_ManufacturerModelName, "Phantom");
    put(ds, DCM_PatientName, o.patientName);
    put(ds, DCM_PatientID, o.patientId);
    put(ds, DCM_PatientBirthDate, "");
    put(ds, DCM_PatientSex, o.patientSex);
    if (!o.patientAge.empty())
        put(ds, DCM_PatientAge, o.patientAge);
    put(ds, DCM_StudyInstanceUID, uidFrom(o.uidSeed, kStudyUid));
    put(ds, DCM_StudyDate, o.studyDate);
    put(ds, DCM_StudyTime, o.studyTime);
    put(ds, DCM_ReferringPhysicianName, "");
    put(ds, DCM_StudyID, "1");
    put(ds, DCM_AccessionNumber, "");
    put(ds, DCM_SeriesDate, acquisitionDate);
    put(ds, DCM_SeriesTime, o.studyTime);
    put(ds, DCM_AcquisitionDate, acquisitionDate);
    put(ds, DCM_AcquisitionTime, o.studyTime);
    put(ds, DCM_ContentDate, acquisitionDate);
    put(ds, DCM_ContentTime, o.studyTime);
    put(ds, DCM_FrameOfReferenceUID, uidFrom(o.uidSeed, kFrameOfReferenceUid));
    put(ds, DCM_PositionReferenceIndicator, "");
    put(ds, DCM_BodyPartExamined, "HEAD");
    put(ds, DCM_PatientPosition, "HFS");
    // An MPRAGE-like protocol (MR Image module, PS3.3 C.8.3.1: ScanningSequence and SequenceVariant are type 1).
    put(ds, DCM_ScanningSequence, "GR\\IR");
    put(ds, DCM_SequenceVariant, "SP\\MP");
    put(ds, DCM_ScanOptions, "IR");
    put(ds, DCM_MRAcquisitionType, "3D");
    put(ds, DCM_RepetitionTime, "2300");
    put(ds, DCM_EchoTime, "2.98");
    put(ds, DCM_InversionTime, "900");
    put(ds, DCM_FlipAngle, "9");
    put(ds, DCM_MagneticFieldStrength, "3");
    put(ds, DCM_EchoTrainLength, "1");
    put(ds, DCM_AcquisitionNumber, "1");
}

void putSeries(DcmItem& ds, const std::string& seriesUid, int seriesNumber, const std::string& description)
{
    put(ds, DCM_SeriesInstanceUID, seriesUid);
    put(ds, DCM_SeriesNumber, std::to_string(seriesNumber));
    put(ds, DCM_SeriesDescription, description);
    put(ds, DCM_ProtocolName, description);
}

void putPixels(DcmDataset& ds, int rows, int columns, const std::vector<Uint16>& words, bool signedPixels, const fs::path& file)
{
    put(ds, DCM_SamplesPerPixel, "1");
    put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
    put(ds, DCM_Rows, std::to_string(rows));
    put(ds, DCM_Columns, std::to_string(columns));
    put(ds, DCM_BitsAllocated, "16");
    put(ds, DCM_BitsStored, "16");
    put(ds, DCM_HighBit, "15");
    put(ds, DCM_PixelRepresentation, signedPixels ? "1" : "0");
    const OFCondition status = ds.putAndInsertUint16Array(DCM_PixelData, words.data(), static_cast<unsigned long>(words.size()));
    if (status.bad())
        throw NeuroDxError(ErrorKind::Io, file, std::string("cannot store pixel data: ") + status.text());
}

void putRescale(DcmItem& ds, const Rescale& r)
{
    put(ds, DCM_RescaleIntercept, decimal(r.intercept));
    put(ds, DCM_RescaleSlope, decimal(r.slope));
    put(ds, DCM_RescaleType, "US");
}

void putWindow(DcmItem& ds, const DicomSeriesWriteOptions& o)
{
    if (o.windowCenter && o.windowWidth) {
        put(ds, DCM_WindowCenter, decimal(*o.windowCenter));
        put(ds, DCM_WindowWidth, decimal(*o.windowWidth));
    }
}

DcmItem& newItem(DcmItem& parent, const DcmTagKey& sequence)
{
    DcmItem* item = nullptr;
    if (parent.findOrCreateSequenceItem(sequence, item, -2).bad() || !item)
        throw NeuroDxError(ErrorKind::Io, "cannot create a DICOM sequence item in " + std::string(DcmTag(sequence).getTagName()));
    return *item;
}

// One single-frame plane: where it is and what it holds.
struct Plane {
    std::string seriesUid, description, imageType, sopUid;
    int seriesNumber = 1, instanceNumber = 1;
    Vec3 position, row, column;
    double rowSpacing = 1, columnSpacing = 1, thickness = 1; // rowSpacing: between rows (along `column`)
    int rows = 0, columns = 0;
    std::vector<Uint16> words;
};

// A single-frame MR Image Storage dataset of one plane (written by the caller).
void fillPlane(DcmDataset& ds, const fs::path& file, const DicomSeriesWriteOptions& o, const Plane& p, const Rescale& rescale)
{
    put(ds, DCM_SOPClassUID, UID_MRImageStorage);
    put(ds, DCM_SOPInstanceUID, p.sopUid);
    put(ds, DCM_ImageType, p.imageType);
    putSeriesAttributes(ds, o);
    putSeries(ds, p.seriesUid, p.seriesNumber, p.description);
    put(ds, DCM_InstanceNumber, std::to_string(p.instanceNumber));
    put(ds, DCM_ImagePositionPatient, position(p.position));
    put(ds, DCM_ImageOrientationPatient, orientation(p.row, p.column));
    put(ds, DCM_SliceLocation, decimal(dot(p.position, unitNormal(p.row, p.column))));
    put(ds, DCM_PixelSpacing, numbers({p.rowSpacing, p.columnSpacing}));
    put(ds, DCM_SliceThickness, decimal(p.thickness));
    put(ds, DCM_SpacingBetweenSlices, decimal(p.thickness));
    if (rescale.write)
        putRescale(ds, rescale);
    putWindow(ds, o);
    putPixels(ds, p.rows, p.columns, p.words, o.signedPixels, file);
}

void writePlane(const fs::path& file, const DicomSeriesWriteOptions& o, const Plane& p, const Rescale& rescale)
{
    DcmFileFormat fileFormat;
    fillPlane(*fileFormat.getDataset(), file, o, p, rescale);
    dicom::saveAtomically(fileFormat, file, o.encoding);
}

// A plane of the series itself: slice k (or the mosaic), in the volume's row and column directions.
Plane seriesPlane(const VolumeGeometry& g, const DicomSeriesWriteOptions& o, const std::string& seriesUid)
{
    Plane p;
    p.seriesUid = seriesUid;
    p.description = o.seriesDescription;
    p.imageType = o.imageType;
    p.seriesNumber = o.seriesNumber;
    p.row = g.direction[0];
    p.column = g.direction[1];
    p.rowSpacing = g.spacing[1];
    p.columnSpacing = g.spacing[0];
    p.thickness = g.spacing[2];
    p.rows = g.size[1];
    p.columns = g.size[0];
    return p;
}

// PS3.3 C.7.6.16 (Multi-frame Functional Groups) with the Enhanced MR Image IOD's essentials.
void writeEnhanced(const fs::path& file, const Volume& v, const DicomSeriesWriteOptions& o, const std::vector<int>& frames,
                   const Rescale& rescale, const std::string& seriesUid)
{
    const VolumeGeometry& g = v.geometry;
    DcmFileFormat fileFormat;
    DcmDataset& ds = *fileFormat.getDataset();
    put(ds, DCM_SOPClassUID, UID_EnhancedMRImageStorage);
    put(ds, DCM_SOPInstanceUID, uidFrom(o.uidSeed, kFirstInstanceUid));
    put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY\\VOLUME\\NONE");
    putSeriesAttributes(ds, o);
    putSeries(ds, seriesUid, o.seriesNumber, o.seriesDescription);
    put(ds, DCM_InstanceNumber, "1");
    put(ds, DCM_ContentQualification, "RESEARCH");
    put(ds, DCM_ResonantNucleus, "1H");
    put(ds, DCM_KSpaceFiltering, "NONE");
    put(ds, DCM_AcquisitionDateTime, (o.acquisitionDate.empty() ? o.studyDate : o.acquisitionDate) + o.studyTime);
    put(ds, DCM_NumberOfFrames, std::to_string(frames.size()));
    ds.insertEmptyElement(DCM_AcquisitionContextSequence);

    const std::string organisation = uidFrom(o.uidSeed, kDimensionOrganizationUid);
    put(newItem(ds, DCM_DimensionOrganizationSequence), DCM_DimensionOrganizationUID, organisation);
    for (const DcmTagKey& index : {DCM_StackID, DCM_InStackPositionNumber}) {
        DcmItem& item = newItem(ds, DCM_DimensionIndexSequence);
        item.putAndInsertTagKey(DCM_DimensionIndexPointer, index);
        item.putAndInsertTagKey(DCM_FunctionalGroupPointer, DCM_FrameContentSequence);
        put(item, DCM_DimensionOrganizationUID, organisation);
    }

    DcmItem& shared = newItem(ds, DCM_SharedFunctionalGroupsSequence);
    DcmItem& measures = newItem(shared, DCM_PixelMeasuresSequence);
    put(measures, DCM_PixelSpacing, numbers({g.spacing[1], g.spacing[0]}));
    put(measures, DCM_SliceThickness, decimal(g.spacing[2]));
    put(measures, DCM_SpacingBetweenSlices, decimal(g.spacing[2]));
    put(newItem(shared, DCM_PlaneOrientationSequence), DCM_ImageOrientationPatient, orientation(g.direction[0], g.direction[1]));
    // The functional group carries the mapping even when it is the identity.
    putRescale(newItem(shared, DCM_PixelValueTransformationSequence), rescale);
    if (o.windowCenter && o.windowWidth) {
        DcmItem& voi = newItem(shared, DCM_FrameVOILUTSequence);
        put(voi, DCM_WindowCenter, decimal(*o.windowCenter));
        put(voi, DCM_WindowWidth, decimal(*o.windowWidth));
    }
    put(newItem(shared, DCM_MRImageFrameTypeSequence), DCM_FrameType, "ORIGINAL\\PRIMARY\\VOLUME\\NONE");

    std::vector<Uint16> words;
    for (const int k : frames) {
        DcmItem& frame = newItem(ds, DCM_PerFrameFunctionalGroupsSequence);
        DcmItem& content = newItem(frame, DCM_FrameContentSequence);
        put(content, DCM_StackID, "1");
        content.putAndInsertUint32(DCM_InStackPositionNumber, static_cast<Uint32>(k + 1));
        const Uint32 indices[2] = {1, static_cast<Uint32>(k + 1)};
        content.putAndInsertUint32Array(DCM_DimensionIndexValues, indices, 2);
        put(newItem(frame, DCM_PlanePositionSequence), DCM_ImagePositionPatient, position(g.toPatient(0, 0, k)));
        const std::vector<Uint16> plane = quantise(slicePlane(v, k), rescale);
        words.insert(words.end(), plane.begin(), plane.end());
    }
    putPixels(ds, v.ny(), v.nx(), words, o.signedPixels, file);
    dicom::saveAtomically(fileFormat, file, o.encoding);
}

// Siemens' mosaic: the slices tiled row by row in a square grid of tiles, NumberOfImagesInMosaic in
// the private "SIEMENS MR HEADER" block, ImagePositionPatient of the whole mosaic's corner (dcm2niix's
// mosaic correction undoes that).
void writeMosaic(const fs::path& file, const Volume& v, const DicomSeriesWriteOptions& o, const std::vector<int>& slices,
                 const Rescale& rescale, const std::string& seriesUid)
{
    const VolumeGeometry& g = v.geometry;
    const int tiles = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(slices.size()))));
    const int rows = tiles * v.ny(), columns = tiles * v.nx();
    std::vector<float> mosaic(static_cast<std::size_t>(rows) * static_cast<std::size_t>(columns), 0.0f);
    for (std::size_t s = 0; s < slices.size(); ++s) {
        const int top = static_cast<int>(s) / tiles * v.ny(), left = static_cast<int>(s) % tiles * v.nx();
        for (int j = 0; j < v.ny(); ++j)
            for (int i = 0; i < v.nx(); ++i)
                mosaic[static_cast<std::size_t>(top + j) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(left + i)] =
                    v.at(i, j, slices[s]);
    }
    Plane p = seriesPlane(g, o, seriesUid);
    p.imageType += "\\MOSAIC";
    p.sopUid = uidFrom(o.uidSeed, kFirstInstanceUid);
    p.rows = rows;
    p.columns = columns;
    p.words = quantise(mosaic, rescale);
    const Vec3 first = g.toPatient(0, 0, slices.front());
    const double shiftColumns = 0.5 * (columns - v.nx()) * g.spacing[0], shiftRows = 0.5 * (rows - v.ny()) * g.spacing[1];
    for (std::size_t c = 0; c < 3; ++c)
        p.position[c] = first[c] - shiftColumns * g.direction[0][c] - shiftRows * g.direction[1][c];

    DcmFileFormat fileFormat;
    DcmDataset& ds = *fileFormat.getDataset();
    fillPlane(ds, file, o, p, rescale);
    auto* creator = new DcmLongString(DcmTag(0x0019, 0x0010, EVR_LO));
    creator->putString("SIEMENS MR HEADER");
    DcmTag countTag(0x0019, 0x100A, EVR_US);
    countTag.setPrivateCreator("SIEMENS MR HEADER");
    auto* count = new DcmUnsignedShort(countTag);
    count->putUint16(static_cast<Uint16>(slices.size()));
    if (ds.insert(creator, true).bad() || ds.insert(count, true).bad())
        throw NeuroDxError(ErrorKind::Io, file, "cannot add the Siemens mosaic header");
    dicom::saveAtomically(fileFormat, file, o.encoding);
}

} // namespace

WrittenDicomSeries writeDicomSeries(const fs::path& folder, const Volume& volume, const DicomSeriesWriteOptions& options)
{
    ensureDcmtkReady();
    const VolumeGeometry& g = volume.geometry;
    if (g.voxelCount() == 0 || volume.voxels.size() != g.voxelCount())
        throw NeuroDxError(ErrorKind::InvalidArgument, folder, "the volume is empty or its voxel count does not match its grid");
    if (g.size[0] > 65535 || g.size[1] > 65535)
        throw NeuroDxError(ErrorKind::InvalidArgument, folder, "DICOM rows and columns are at most 65535");
    if (!options.adniNaming)
        checkPattern(options.fileNamePattern);
    std::vector<int> slices;
    for (int k = 0; k < g.size[2]; ++k)
        if (std::find(options.omittedSlices.begin(), options.omittedSlices.end(), k) == options.omittedSlices.end())
            slices.push_back(k);
    if (slices.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, folder, "every slice is omitted");
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, folder, "cannot create the folder: " + ec.message());

    const Rescale rescale = chooseRescale(volume, options, folder);
    const int count = g.size[2];
    const std::vector<int> fileNumbers = options.shuffleFileNames ? permutation(count, options.orderSeed, 0xF11E) : permutation(count, 0, 0);
    WrittenDicomSeries written;
    written.seriesInstanceUid = uidFrom(options.uidSeed, kSeriesUid);
    written.studyInstanceUid = uidFrom(options.uidSeed, kStudyUid);

    if (options.layout == DicomSeriesLayout::SliceFiles) {
        const std::vector<int> instances = permutation(count, options.orderSeed, 0x1257);
        for (const int k : slices) {
            const int n = options.shuffleFileNames ? fileNumbers[static_cast<std::size_t>(k)] : k + 1;
            const fs::path file = folder / fileName(options, n);
            Plane p = seriesPlane(g, options, written.seriesInstanceUid);
            p.sopUid = uidFrom(options.uidSeed, kFirstInstanceUid + static_cast<std::uint64_t>(k));
            p.instanceNumber = options.randomInstanceNumbers ? instances[static_cast<std::size_t>(k)] : k + 1;
            p.position = g.toPatient(0, 0, k);
            p.words = quantise(slicePlane(volume, k), rescale);
            writePlane(file, options, p, rescale);
            written.files.push_back(file);
            written.slices.push_back(k);
        }
    } else {
        std::vector<int> order = slices;
        if (options.shuffleFileNames && options.layout == DicomSeriesLayout::EnhancedMultiFrame)
            SeededRandom(SeededRandom::derive(options.orderSeed, 0xF4A3E)).shuffle(order);
        const fs::path file = folder / fileName(options, 1);
        if (options.layout == DicomSeriesLayout::EnhancedMultiFrame)
            writeEnhanced(file, volume, options, order, rescale, written.seriesInstanceUid);
        else
            writeMosaic(file, volume, options, order, rescale, written.seriesInstanceUid);
        written.files.push_back(file);
        written.slices = order;
    }

    if (options.localizer != DicomLocalizer::None) {
        // Perpendicular to the slices: rows along the series' j axis, columns along k, through the
        // middle of i (its normal is the series' row direction).
        const int middle = volume.nx() / 2;
        std::vector<float> plane;
        plane.reserve(static_cast<std::size_t>(volume.ny()) * static_cast<std::size_t>(volume.nz()));
        for (int k = 0; k < volume.nz(); ++k)
            for (int j = 0; j < volume.ny(); ++j)
                plane.push_back(volume.at(middle, j, k));
        const bool same = options.localizer == DicomLocalizer::SameSeries;
        Plane p;
        p.seriesUid = same ? written.seriesInstanceUid : uidFrom(options.uidSeed, kLocalizerSeriesUid);
        p.description = same ? options.seriesDescription : "localizer";
        p.imageType = "ORIGINAL\\PRIMARY\\LOCALIZER";
        p.sopUid = uidFrom(options.uidSeed, kLocalizerInstanceUid);
        p.seriesNumber = same ? options.seriesNumber : (options.seriesNumber == 1 ? 99 : 1);
        p.instanceNumber = same ? count + 1 : 1;
        p.position = g.toPatient(middle, 0, 0);
        p.row = g.direction[1];
        p.column = g.direction[2];
        p.rowSpacing = g.spacing[2];
        p.columnSpacing = g.spacing[1];
        p.thickness = g.spacing[0];
        p.rows = volume.nz();
        p.columns = volume.ny();
        p.words = quantise(plane, rescale);
        written.localizer = folder / fileName(options, count + 1);
        writePlane(written.localizer, options, p, rescale);
    }
    return written;
}

} // namespace neurodx
