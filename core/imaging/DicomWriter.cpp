#include "DicomWriter.h"

#include "common/NeuroDxError.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomOutput.h"

#include <cstring>

namespace neurodx {

using dicom::decimal;
using dicom::put;
using dicom::uidFrom;

void writeDicom(const std::filesystem::path& file, const std::vector<cv::Mat>& frames, const DicomWriteOptions& options)
{
    ensureDcmtkReady();
    if (frames.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "no frames to write");
    const cv::Mat& first = frames.front();
    const int depth = first.depth();
    const int samples = first.channels();
    if (!((depth == CV_8U || depth == CV_16U || depth == CV_16S) && (samples == 1 || (samples == 3 && depth == CV_8U))))
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "frames must be 8/16-bit grey or 8-bit RGB");
    for (const cv::Mat& frame : frames) {
        if (frame.size() != first.size() || frame.type() != first.type())
            throw NeuroDxError(ErrorKind::InvalidArgument, file, "all frames must share size and type");
    }
    const int bitsAllocated = depth == CV_8U ? 8 : 16;
    const int bitsStored = options.bitsStored > 0 ? options.bitsStored : bitsAllocated;

    DcmFileFormat fileFormat;
    DcmDataset& ds = *fileFormat.getDataset();
    put(ds, DCM_SOPClassUID, UID_MRImageStorage);
    put(ds, DCM_SOPInstanceUID, uidFrom(options.uidSeed, 1));
    put(ds, DCM_StudyInstanceUID, uidFrom(options.uidSeed, 2));
    put(ds, DCM_SeriesInstanceUID, uidFrom(options.uidSeed, 3));
    put(ds, DCM_FrameOfReferenceUID, uidFrom(options.uidSeed, 4));
    put(ds, DCM_Modality, options.modality);
    put(ds, DCM_PatientID, options.patientId);
    put(ds, DCM_PatientName, options.patientName);
    put(ds, DCM_StudyDate, options.studyDate);
    put(ds, DCM_SeriesDescription, options.seriesDescription);
    put(ds, DCM_Manufacturer, "NeuroDx synthetic phantom");
    put(ds, DCM_InstanceNumber, "1");
    put(ds, DCM_SamplesPerPixel, std::to_string(samples));
    const std::string photometric = !options.photometric.empty() ? options.photometric : (samples == 1 ? "MONOCHROME2" : "RGB");
    put(ds, DCM_PhotometricInterpretation, photometric);
    if (samples == 3)
        put(ds, DCM_PlanarConfiguration, std::to_string(options.planarConfiguration));
    put(ds, DCM_Rows, std::to_string(first.rows));
    put(ds, DCM_Columns, std::to_string(first.cols));
    put(ds, DCM_BitsAllocated, std::to_string(bitsAllocated));
    put(ds, DCM_BitsStored, std::to_string(bitsStored));
    put(ds, DCM_HighBit, std::to_string(bitsStored - 1));
    put(ds, DCM_PixelRepresentation, depth == CV_16S ? "1" : "0");
    if (frames.size() > 1)
        put(ds, DCM_NumberOfFrames, std::to_string(frames.size()));
    if (options.rescaleSlope || options.rescaleIntercept) {
        put(ds, DCM_RescaleSlope, decimal(options.rescaleSlope.value_or(1.0)));
        put(ds, DCM_RescaleIntercept, decimal(options.rescaleIntercept.value_or(0.0)));
        put(ds, DCM_RescaleType, "US");
    }
    if (options.windowCenter && options.windowWidth) {
        put(ds, DCM_WindowCenter, decimal(*options.windowCenter));
        put(ds, DCM_WindowWidth, decimal(*options.windowWidth));
    }
    if (options.pixelSpacingMm)
        put(ds, DCM_PixelSpacing, decimal(*options.pixelSpacingMm) + "\\" + decimal(*options.pixelSpacingMm));

    // Pixel data: frames one after another; colour planar configuration 1 stores R, G, B planes.
    const std::size_t frameBytes = first.total() * first.elemSize();
    std::vector<unsigned char> buffer(frameBytes * frames.size());
    for (std::size_t f = 0; f < frames.size(); ++f) {
        const cv::Mat frame = frames[f].isContinuous() ? frames[f] : frames[f].clone();
        unsigned char* dst = buffer.data() + f * frameBytes;
        if (samples == 3 && options.planarConfiguration == 1) {
            const std::size_t plane = first.total();
            for (std::size_t i = 0; i < plane; ++i)
                for (int c = 0; c < 3; ++c)
                    dst[static_cast<std::size_t>(c) * plane + i] = frame.data[i * 3 + static_cast<std::size_t>(c)];
        } else {
            std::memcpy(dst, frame.data, frameBytes);
        }
    }
    OFCondition status = bitsAllocated == 8
        ? ds.putAndInsertUint8Array(DCM_PixelData, buffer.data(), static_cast<unsigned long>(buffer.size()))
        : ds.putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(buffer.data()),
                                     static_cast<unsigned long>(buffer.size() / 2));
    if (status.bad())
        throw NeuroDxError(ErrorKind::Io, file, std::string("cannot store pixel data: ") + status.text());

    dicom::saveAtomically(fileFormat, file, options.encoding, options.withMetaHeader);
}

} // namespace neurodx
