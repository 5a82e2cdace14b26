#include "DicomSliceHeader.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "imaging/DicomStructure.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomText.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cmath>

namespace neurodx {

bool DicomSliceHeader::hasImageType(const std::string& value) const
{
    for (const std::string& part : imageType)
        if (toUpper(trim(part)) == value)
            return true;
    return false;
}

Vec3 DicomSliceHeader::sliceNormal() const
{
    if (!orientation)
        return {0, 0, 1};
    Vec3 n = cross((*orientation)[0], (*orientation)[1]);
    const double length = norm(n);
    if (length > 0)
        for (double& c : n)
            c /= length;
    return n;
}

namespace {

std::string text(DcmItem& item, const DcmTagKey& tag)
{
    return dicomText(item, tag);
}

std::optional<double> decimal(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0)
{
    Float64 value = 0;
    if (item.findAndGetFloat64(tag, value, position).good() && std::isfinite(value))
        return value;
    return std::nullopt;
}

std::optional<int> integer(DcmItem& item, const DcmTagKey& tag)
{
    Sint32 s = 0;
    if (item.findAndGetSint32(tag, s).good())
        return s;
    Uint16 u = 0;
    if (item.findAndGetUint16(tag, u).good())
        return u;
    // IS values that DCMTK cannot convert (leading zeros, spaces) still parse as text.
    const std::string value = text(item, tag);
    try {
        if (!value.empty())
            return std::stoi(value);
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

std::optional<Vec3> triple(DcmItem& item, const DcmTagKey& tag)
{
    Vec3 v{};
    for (unsigned long i = 0; i < 3; ++i) {
        const auto c = decimal(item, tag, i);
        if (!c)
            return std::nullopt;
        v[i] = *c;
    }
    return v;
}

std::optional<std::array<Vec3, 2>> orientationIn(DcmItem& item)
{
    std::array<Vec3, 2> axes{};
    for (unsigned long i = 0; i < 6; ++i) {
        const auto c = decimal(item, DCM_ImageOrientationPatient, i);
        if (!c)
            return std::nullopt;
        axes[i / 3][i % 3] = *c;
    }
    for (Vec3& axis : axes) {
        const double length = norm(axis);
        if (length < 1e-6)
            return std::nullopt;
        for (double& c : axis)
            c /= length;
    }
    return axes;
}

DcmItem* firstItem(DcmItem& parent, const DcmTagKey& sequence)
{
    DcmItem* item = nullptr;
    return parent.findAndGetSequenceItem(sequence, item, 0).good() ? item : nullptr;
}

// A functional group macro (PS3.3 C.7.6.16.2) from a frame's item, else from the shared item.
DcmItem* groupMacro(DcmItem* frame, DcmItem* shared, const DcmTagKey& macro)
{
    if (frame)
        if (DcmItem* item = firstItem(*frame, macro))
            return item;
    return shared ? firstItem(*shared, macro) : nullptr;
}

int mosaicImageCount(DcmDataset& dataset)
{
    // Siemens' private NumberOfImagesInMosaic (0019,xx0A) under the "SIEMENS MR HEADER" creator.
    const std::string creator = text(dataset, DcmTagKey(0x0019, 0x0010));
    if (toUpper(creator) != "SIEMENS MR HEADER")
        return 0;
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DcmTagKey(0x0019, 0x100A), element).bad() || !element)
        return 0;
    Uint16 count = 0;
    if (element->getUint16(count).good())
        return count;
    Uint8* bytes = nullptr; // stored with VR UN in implicit little endian files
    if (element->getLength() == 2 && element->getUint8Array(bytes).good() && bytes)
        return bytes[0] | (bytes[1] << 8);
    return 0;
}

void readFunctionalGroups(DcmDataset& dataset, DicomSliceHeader& header)
{
    DcmItem* shared = firstItem(dataset, DCM_SharedFunctionalGroupsSequence);
    DcmSequenceOfItems* perFrame = nullptr;
    if (dataset.findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).bad() || !perFrame)
        return;
    header.isEnhancedMultiFrame = true;
    header.framePositions.clear();
    const unsigned long frames = perFrame->card();
    for (unsigned long f = 0; f < frames; ++f) {
        DcmItem* frame = perFrame->getItem(f);
        if (!header.orientation)
            if (DcmItem* plane = groupMacro(frame, shared, DCM_PlaneOrientationSequence))
                header.orientation = orientationIn(*plane);
        if (DcmItem* plane = groupMacro(frame, shared, DCM_PlanePositionSequence))
            if (const auto position = triple(*plane, DCM_ImagePositionPatient))
                header.framePositions.push_back(*position);
        if (DcmItem* transform = groupMacro(frame, shared, DCM_PixelValueTransformationSequence)) {
            double slope = decimal(*transform, DCM_RescaleSlope).value_or(1.0);
            if (slope == 0.0)
                slope = 1.0;
            header.frameRescale.push_back({slope, decimal(*transform, DCM_RescaleIntercept).value_or(0.0)});
        }
        if (!header.pixelSpacing)
            if (DcmItem* measures = groupMacro(frame, shared, DCM_PixelMeasuresSequence)) {
                const auto row = decimal(*measures, DCM_PixelSpacing, 0);
                const auto column = decimal(*measures, DCM_PixelSpacing, 1);
                if (row && column)
                    header.pixelSpacing = std::array<double, 2>{*row, *column};
                if (!header.sliceThickness)
                    header.sliceThickness = decimal(*measures, DCM_SliceThickness);
            }
    }
    if (header.framePositions.size() != frames)
        header.framePositions.clear(); // positions for some frames only: no usable geometry
    if (header.frameRescale.size() != frames)
        header.frameRescale.clear();
}

} // namespace

DicomSliceHeader readDicomSliceHeader(const std::filesystem::path& file)
{
    ensureDcmtkReady();
    checkDicomStructure(file); // before DCMTK: nesting, element count and size limits
    DcmFileFormat fileFormat;
    const OFCondition status = fileFormat.loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                                           ERM_autoDetect, DCM_PixelData);
    if (status.bad())
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a readable DICOM file (") + status.text() + ")");
    DcmDataset& dataset = *fileFormat.getDataset();
    convertDicomTextToUtf8(dataset);

    DicomSliceHeader header;
    header.file = file;
    header.sopClassUid = text(dataset, DCM_SOPClassUID);
    header.sopInstanceUid = text(dataset, DCM_SOPInstanceUID);
    header.seriesInstanceUid = text(dataset, DCM_SeriesInstanceUID);
    header.studyInstanceUid = text(dataset, DCM_StudyInstanceUID);
    header.seriesDescription = text(dataset, DCM_SeriesDescription);
    header.modality = text(dataset, DCM_Modality);
    header.patientId = text(dataset, DCM_PatientID);
    for (const DcmTagKey& date : {DCM_StudyDate, DCM_SeriesDate, DCM_AcquisitionDate}) {
        header.studyDate = text(dataset, date);
        if (!header.studyDate.empty())
            break;
    }
    OFString part;
    for (unsigned long i = 0; dataset.findAndGetOFString(DCM_ImageType, part, i).good(); ++i)
        header.imageType.push_back(trim(validUtf8(part.c_str())));
    header.transferSyntaxUid = DcmXfer(dataset.getOriginalXfer()).getXferID();
    header.rows = integer(dataset, DCM_Rows).value_or(0);
    header.columns = integer(dataset, DCM_Columns).value_or(0);
    header.samplesPerPixel = integer(dataset, DCM_SamplesPerPixel).value_or(1);
    header.frames = std::max(1, integer(dataset, DCM_NumberOfFrames).value_or(1));
    header.instanceNumber = integer(dataset, DCM_InstanceNumber);
    header.echoNumber = integer(dataset, DCM_EchoNumbers);
    header.acquisitionNumber = integer(dataset, DCM_AcquisitionNumber);
    header.temporalPosition = integer(dataset, DCM_TemporalPositionIdentifier);
    const auto rowSpacing = decimal(dataset, DCM_PixelSpacing, 0);
    const auto columnSpacing = decimal(dataset, DCM_PixelSpacing, 1);
    if (rowSpacing && columnSpacing)
        header.pixelSpacing = std::array<double, 2>{*rowSpacing, *columnSpacing};
    header.sliceThickness = decimal(dataset, DCM_SliceThickness);
    header.orientation = orientationIn(dataset);
    if (const auto position = triple(dataset, DCM_ImagePositionPatient))
        header.framePositions.push_back(*position);
    readFunctionalGroups(dataset, header);
    header.mosaicImages = mosaicImageCount(dataset);
    return header;
}

} // namespace neurodx
