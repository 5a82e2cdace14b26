#include "DicomHeader.h"

#include "common/NeuroDxError.h"
#include "imaging/DicomStructure.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomText.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

namespace neurodx {

DicomHeaderSummary readDicomHeader(const std::filesystem::path& file)
{
    ensureDcmtkReady();
    checkDicomStructure(file); // before DCMTK: nesting, element count and size limits
    DcmFileFormat fileFormat;
    // Parsing stops at Pixel Data, so a scan costs a header read per file, not a decode.
    const OFCondition status = fileFormat.loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange,
                                                           DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData);
    if (status.bad())
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a readable DICOM file (") + status.text() + ")");

    DcmDataset* dataset = fileFormat.getDataset();
    convertDicomTextToUtf8(*dataset);
    DicomHeaderSummary summary;
    OFString value;
    if (fileFormat.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, value).good())
        summary.isDirectory = (value == UID_MediaStorageDirectoryStorage);
    // Top level only: sequences can hide icon images with their own Rows/Columns.
    Uint16 rows = 0;
    summary.hasPixelData = dataset->findAndGetUint16(DCM_Rows, rows).good() && rows > 0;
    if (dataset->findAndGetOFString(DCM_PatientID, value).good())
        summary.patientId = value.c_str();
    summary.modality = dicomText(*dataset, DCM_Modality);
    if (dataset->findAndGetOFString(DCM_SeriesInstanceUID, value).good())
        summary.seriesInstanceUid = value.c_str();
    Float64 p[3] = {}, o[6] = {};
    bool complete = true;
    for (unsigned long i = 0; i < 6 && complete; ++i)
        complete = dataset->findAndGetFloat64(DCM_ImageOrientationPatient, o[i], i).good() &&
                   (i >= 3 || dataset->findAndGetFloat64(DCM_ImagePositionPatient, p[i], i).good());
    if (complete) {
        const double normal[3] = {o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]};
        summary.positionAlongNormal = p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
    }
    return summary;
}

} // namespace neurodx
