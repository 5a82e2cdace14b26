#include "DicomOutput.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cstdio>

namespace neurodx::dicom {

E_TransferSyntax transferSyntaxOf(DicomEncoding encoding)
{
    switch (encoding) {
    case DicomEncoding::ExplicitLittleEndian: return EXS_LittleEndianExplicit;
    case DicomEncoding::ImplicitLittleEndian: return EXS_LittleEndianImplicit;
    case DicomEncoding::ExplicitBigEndian: return EXS_BigEndianExplicit;
    case DicomEncoding::DeflatedExplicitLittleEndian: return EXS_DeflatedLittleEndianExplicit;
    case DicomEncoding::JpegLossless: return EXS_JPEGProcess14SV1;
    case DicomEncoding::JpegLsLossless: return EXS_JPEGLSLossless;
    case DicomEncoding::RleLossless: return EXS_RLELossless;
    }
    return EXS_LittleEndianExplicit;
}

std::string uidFrom(std::uint64_t seed, std::uint64_t label)
{
    // PS3.5 B.2: "2.25." followed by a decimal integer is a valid UID root that needs no registration.
    return "2.25." + std::to_string(SeededRandom::derive(seed, label) >> 1);
}

void put(DcmItem& item, const DcmTagKey& tag, const std::string& value)
{
    if (item.putAndInsertString(tag, value.c_str()).bad())
        throw NeuroDxError(ErrorKind::Io, "cannot set DICOM attribute " + std::string(DcmTag(tag).getTagName()));
}

std::string decimal(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", value);
    return text;
}

void saveAtomically(DcmFileFormat& fileFormat, const std::filesystem::path& file, DicomEncoding encoding, bool withMetaHeader)
{
    DcmDataset& ds = *fileFormat.getDataset();
    const E_TransferSyntax xfer = transferSyntaxOf(encoding);
    OFCondition status;
    if (DcmXfer(xfer).isEncapsulated()) {
        DJ_RPLossless jpegParams(1, 0);
        DJLSRepresentationParameter jpegLsParams(0, OFTrue);
        DcmRLERepresentationParameter rleParams;
        const DcmRepresentationParameter* params = encoding == DicomEncoding::JpegLossless ? static_cast<const DcmRepresentationParameter*>(&jpegParams)
                                                 : encoding == DicomEncoding::JpegLsLossless ? static_cast<const DcmRepresentationParameter*>(&jpegLsParams)
                                                                                             : &rleParams;
        status = ds.chooseRepresentation(xfer, params);
        if (status.bad() || !ds.canWriteXfer(xfer))
            throw NeuroDxError(ErrorKind::Io, file, std::string("cannot compress as ") + DcmXfer(xfer).getXferName() + ": " + status.text());
    }

    std::filesystem::path temporary = file;
    temporary += ".part";
    status = fileFormat.saveFile(temporary.string().c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                                 withMetaHeader ? EWM_createNewMeta : EWM_dataset);
    if (status.bad()) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        throw NeuroDxError(ErrorKind::Io, file, std::string("cannot write the DICOM file: ") + status.text());
    }
    std::error_code ec;
    std::filesystem::rename(temporary, file, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, file, "cannot move the written file into place: " + ec.message());
}

} // namespace neurodx::dicom
