#include "DicomHeader.h"

#include "common/NeuroDxError.h"
#include "imaging/DcmtkSetup.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

namespace neurodx {

DicomHeaderSummary readDicomHeader(const std::filesystem::path& file)
{
    ensureDcmtkReady();
    DcmFileFormat fileFormat;
    // Parsing stops at Pixel Data, so a scan costs a header read per file, not a decode.
    const OFCondition status = fileFormat.loadFileUntilTag(file.string().c_str(), EXS_Unknown, EGL_noChange,
                                                           DCM_MaxReadLength, ERM_autoDetect, DCM_PixelData);
    if (status.bad())
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a readable DICOM file (") + status.text() + ")");

    DcmDataset* dataset = fileFormat.getDataset();
    DicomHeaderSummary summary;
    OFString value;
    if (fileFormat.getMetaInfo()->findAndGetOFString(DCM_MediaStorageSOPClassUID, value).good())
        summary.isDirectory = (value == UID_MediaStorageDirectoryStorage);
    // Top level only: sequences can hide icon images with their own Rows/Columns.
    Uint16 rows = 0;
    summary.hasPixelData = dataset->findAndGetUint16(DCM_Rows, rows).good() && rows > 0;
    if (dataset->findAndGetOFString(DCM_PatientID, value).good())
        summary.patientId = value.c_str();
    if (dataset->findAndGetOFString(DCM_Modality, value).good())
        summary.modality = value.c_str();
    return summary;
}

} // namespace neurodx
