#include "DicomReader.h"
#include "DicomTagCollection.h"

#include "common/NeuroDxError.h"
#include "imaging/DicomStructure.h"
#include "imaging/DcmtkSetup.h"
#include "imaging/DicomText.h"
#include "imaging/ImageLimits.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmimage/diregist.h> // colour images (RGB, YBR, palette) in DicomImage
#include <dcmtk/dcmimgle/dcmimage.h>

#include <opencv2/core.hpp>

namespace neurodx {

namespace {

std::string stringOf(DcmItem& item, const DcmTagKey& tag, const std::string& fallback = {})
{
    const std::string value = dicomText(item, tag);
    return value.empty() ? fallback : value;
}

std::optional<double> floatOf(DcmItem& item, const DcmTagKey& tag, unsigned long position = 0)
{
    Float64 value = 0;
    if (item.findAndGetFloat64(tag, value, position).good())
        return value;
    return std::nullopt;
}

int intOf(DcmItem& item, const DcmTagKey& tag, int fallback)
{
    Uint16 u = 0;
    if (item.findAndGetUint16(tag, u).good())
        return u;
    Sint32 s = 0;
    if (item.findAndGetSint32(tag, s).good())
        return s;
    return fallback;
}

bool isJpeg2000(E_TransferSyntax xfer)
{
    return xfer == EXS_JPEG2000LosslessOnly || xfer == EXS_JPEG2000 || xfer == EXS_JPEG2000MulticomponentLosslessOnly ||
           xfer == EXS_JPEG2000Multicomponent || xfer == EXS_JPIPReferenced || xfer == EXS_JPIPReferencedDeflate;
}

template <typename Stored>
void toModalityValues(const Stored* data, const SliceInfo& info, int highBit, cv::Mat& out)
{
    const int shift = std::max(0, highBit + 1 - info.bitsStored);
    const std::uint64_t mask = info.bitsStored >= 32 ? 0xFFFFFFFFull : ((std::uint64_t{1} << info.bitsStored) - 1);
    const std::int64_t signBit = std::int64_t{1} << (info.bitsStored - 1);
    const std::int64_t range = std::int64_t{1} << info.bitsStored;
    float* dst = out.ptr<float>();
    const std::size_t count = static_cast<std::size_t>(info.width) * static_cast<std::size_t>(info.height);
    for (std::size_t i = 0; i < count; ++i) {
        auto value = static_cast<std::int64_t>((static_cast<std::uint64_t>(data[i]) >> shift) & mask);
        if (info.isSigned && (value & signBit))
            value -= range;
        dst[i] = static_cast<float>(static_cast<double>(value) * info.rescaleSlope + info.rescaleIntercept);
    }
}

OFCondition pixelArray(DcmDataset& dataset, const Uint8*& data, unsigned long* count) { return dataset.findAndGetUint8Array(DCM_PixelData, data, count); }
OFCondition pixelArray(DcmDataset& dataset, const Uint16*& data, unsigned long* count) { return dataset.findAndGetUint16Array(DCM_PixelData, data, count); }
OFCondition pixelArray(DcmDataset& dataset, const Uint32*& data, unsigned long* count) { return dataset.findAndGetUint32Array(DCM_PixelData, data, count); }

template <typename Stored>
void decodeMonochromeFrame(DcmDataset& dataset, const std::filesystem::path& file, const SliceInfo& info, int highBit, cv::Mat& pixels)
{
    const unsigned long perFrame = static_cast<unsigned long>(info.width) * static_cast<unsigned long>(info.height);
    const Stored* data = nullptr;
    unsigned long count = 0;
    if (pixelArray(dataset, data, &count).bad() || !data || count < perFrame * static_cast<unsigned long>(info.frame + 1))
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the pixel data is shorter than Rows x Columns x Frames says (truncated file?)");
    pixels.create(info.height, info.width, CV_32FC1);
    toModalityValues(data + perFrame * static_cast<unsigned long>(info.frame), info, highBit, pixels);
}

void decodeMonochrome(DcmDataset& dataset, const std::filesystem::path& file, const SliceInfo& info, int highBit, cv::Mat& pixels)
{
    switch (info.bitsAllocated) {
    case 8: return decodeMonochromeFrame<Uint8>(dataset, file, info, highBit, pixels);
    case 16: return decodeMonochromeFrame<Uint16>(dataset, file, info, highBit, pixels);
    case 32: return decodeMonochromeFrame<Uint32>(dataset, file, info, highBit, pixels);
    default:
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "Bits Allocated " + std::to_string(info.bitsAllocated) + " is not supported (8, 16 or 32)");
    }
}

// `xfer`: the representation the pixel data is in now (little endian explicit after decompression).
void decodeColour(DcmDataset& dataset, E_TransferSyntax xfer, const std::filesystem::path& file, const SliceInfo& info, cv::Mat& pixels)
{
    DicomImage image(&dataset, xfer, 0, static_cast<unsigned long>(info.frame), 1);
    if (image.getStatus() != EIS_Normal)
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           std::string("the colour pixel data cannot be decoded: ") + DicomImage::getString(image.getStatus()));
    const int bits = info.bitsStored > 8 ? 16 : 8;
    // DCMTK sizes its output by its own reading of the header; wrap it only when that is the size
    // NeuroDx expects (a damaged header made the two differ: fuzz_dicom_file).
    const std::size_t expected = static_cast<std::size_t>(info.width) * static_cast<std::size_t>(info.height) * 3 * static_cast<std::size_t>(bits / 8);
    if (image.getWidth() != static_cast<unsigned long>(info.width) || image.getHeight() != static_cast<unsigned long>(info.height) ||
        image.getOutputDataSize(bits) < expected)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the colour pixel data does not match the image size its header gives");
    const void* rgb = image.getOutputData(bits, 0, 0);
    if (!rgb)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the colour pixel data cannot be decoded (truncated file?)");
    const cv::Mat wrapped(info.height, info.width, bits == 8 ? CV_8UC3 : CV_16UC3, const_cast<void*>(rgb));
    wrapped.convertTo(pixels, CV_32FC3);
}

} // namespace

namespace {

// Decodes the requested frame, or every frame when `allFrames` (one parse and one decompression for
// the whole object: enhanced multi-frame series hold hundreds of frames).
std::vector<Slice> decodeDicom(const std::filesystem::path& file, std::optional<int> requestedFrame, bool allFrames,
                               std::vector<DicomTagNode>* tags = nullptr)
{
    ensureDcmtkReady();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "no such file");
    if (std::filesystem::file_size(file, ec) == 0)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "the file is empty");

    checkDicomStructure(file); // before DCMTK: nesting, element count and size limits
    DcmFileFormat fileFormat;
    // Large values (the pixel data) stay on disk until asked for, so header checks come first.
    OFCondition status = fileFormat.loadFile(file.string().c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (status == EC_InvalidStream || status == EC_StreamNotifyClient)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the file ends in the middle of a DICOM element (truncated file?)");
    if (status.bad())
        throw NeuroDxError(ErrorKind::CorruptFile, file, std::string("not a readable DICOM file (") + status.text() + ")");
    DcmDataset& dataset = *fileFormat.getDataset();
    convertDicomTextToUtf8(dataset);
    if (tags)
        *tags = collectDicomTags(fileFormat);

    const E_TransferSyntax xfer = dataset.getOriginalXfer();
    const DcmXfer xferInfo(xfer);
    SliceInfo info;
    info.format = ImageFormat::Dicom;
    info.transferSyntax = xferInfo.getXferName();
    info.transferSyntaxUid = xferInfo.getXferID();
    info.modality = stringOf(dataset, DCM_Modality);

    // Top level only: icon images inside sequences carry their own Rows/Columns.
    info.height = intOf(dataset, DCM_Rows, 0);
    info.width = intOf(dataset, DCM_Columns, 0);
    if (!dataset.tagExists(DCM_PixelData) || info.width == 0 || info.height == 0) {
        const std::string sopClass = stringOf(dataset, DCM_SOPClassUID);
        const char* sopName = sopClass.empty() ? nullptr : dcmFindNameOfUID(sopClass.c_str());
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           std::string("this DICOM object has no pixel data") +
                               (sopName ? std::string(" (") + sopName + ")" : info.modality.empty() ? "" : " (modality " + info.modality + ")") +
                               "; it is not an image (structured reports, RT structures and DICOMDIRs carry none)");
    }
    info.samplesPerPixel = intOf(dataset, DCM_SamplesPerPixel, 1);
    info.bitsAllocated = intOf(dataset, DCM_BitsAllocated, 16);
    info.bitsStored = intOf(dataset, DCM_BitsStored, info.bitsAllocated);
    int highBit = intOf(dataset, DCM_HighBit, info.bitsStored - 1);
    info.isSigned = intOf(dataset, DCM_PixelRepresentation, 0) == 1;
    info.photometric = stringOf(dataset, DCM_PhotometricInterpretation, info.samplesPerPixel == 1 ? "MONOCHROME2" : "RGB");
    info.frames = std::max(1, intOf(dataset, DCM_NumberOfFrames, 1));
    if (info.bitsStored < 1 || info.bitsStored > info.bitsAllocated || info.bitsStored > 32)
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "Bits Stored " + std::to_string(info.bitsStored) + " does not fit Bits Allocated " + std::to_string(info.bitsAllocated));
    if (highBit < info.bitsStored - 1 || highBit >= info.bitsAllocated)
        highBit = info.bitsStored - 1; // a High Bit outside the stored bits (fuzz_dicom_file): the usual layout
    checkImageDimensions(file, info.width, info.height, info.frames,
                         static_cast<std::int64_t>(info.samplesPerPixel) * std::max(1, info.bitsAllocated / 8));

    info.rescaleSlope = floatOf(dataset, DCM_RescaleSlope).value_or(1.0);
    if (info.rescaleSlope == 0.0)
        info.rescaleSlope = 1.0; // a zero slope would flatten the image; scanners that write it mean "none"
    info.rescaleIntercept = floatOf(dataset, DCM_RescaleIntercept).value_or(0.0);
    info.windowCenter = floatOf(dataset, DCM_WindowCenter);
    info.windowWidth = floatOf(dataset, DCM_WindowWidth);
    if (info.windowWidth && *info.windowWidth < 1.0) {
        info.windowCenter.reset();
        info.windowWidth.reset();
    }
    info.pixelSpacingRow = floatOf(dataset, DCM_PixelSpacing, 0);
    info.pixelSpacingColumn = floatOf(dataset, DCM_PixelSpacing, 1);

    info.frame = requestedFrame.value_or(info.frames / 2);
    if (info.frame < 0 || info.frame >= info.frames)
        throw NeuroDxError(ErrorKind::InvalidArgument, file,
                           "frame " + std::to_string(info.frame) + " requested, but the file has " + std::to_string(info.frames));

    if (isJpeg2000(xfer))
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           std::string("the pixel data is JPEG 2000 compressed (") + info.transferSyntax +
                               "), which free DCMTK cannot decode; convert it first, e.g. with 'gdcmconv --raw IN OUT'");
    if (xferInfo.isEncapsulated()) {
        status = dataset.chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
        if (status.bad() || !dataset.canWriteXfer(EXS_LittleEndianExplicit))
            throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                               "the pixel data cannot be decompressed (" + info.transferSyntax + ": " + status.text() + ")");
        // Decoders may convert YBR to RGB and change the planar configuration.
        info.photometric = stringOf(dataset, DCM_PhotometricInterpretation, info.photometric);
    }

    std::vector<Slice> slices;
    const int firstFrame = allFrames ? 0 : info.frame;
    const int endFrame = allFrames ? info.frames : info.frame + 1;
    for (int frame = firstFrame; frame < endFrame; ++frame) {
        Slice slice;
        slice.info = info;
        slice.info.frame = frame;
        if (info.samplesPerPixel == 1 && info.photometric != "PALETTE COLOR")
            decodeMonochrome(dataset, file, slice.info, highBit, slice.pixels);
        else
            decodeColour(dataset, xferInfo.isEncapsulated() ? EXS_LittleEndianExplicit : xfer, file, slice.info, slice.pixels);
        slices.push_back(std::move(slice));
    }
    return slices;
}

} // namespace

Slice readDicomSlice(const std::filesystem::path& file, std::optional<int> frame, std::vector<DicomTagNode>* tags)
{
    return std::move(decodeDicom(file, frame, false, tags).front());
}

std::vector<Slice> readDicomFrames(const std::filesystem::path& file)
{
    return decodeDicom(file, std::nullopt, true);
}

} // namespace neurodx
