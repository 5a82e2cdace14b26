#include "SliceLoader.h"

#include "common/NeuroDxError.h"
#include "imaging/DicomReader.h"
#include "imaging/RasterReader.h"

namespace neurodx {

Slice loadSlice(const std::filesystem::path& file, std::optional<int> frame, std::vector<DicomTagNode>* dicomTags)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "no such file");
    if (std::filesystem::is_directory(file, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "is a folder, not an image file");
    if (std::filesystem::file_size(file, ec) == 0)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "the file is empty");

    const FormatProbe probe = probeImageFormat(file);
    switch (probe.format) {
    case ImageFormat::Dicom:
        return readDicomSlice(file, frame, dicomTags);
    case ImageFormat::Png:
    case ImageFormat::Jpeg:
    case ImageFormat::Bmp:
    case ImageFormat::Tiff:
        return readRasterSlice(file);
    case ImageFormat::Nifti:
    case ImageFormat::Unknown:
        break;
    }
    throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                       "not an image NeuroDx reads: the content is not PNG, JPEG, BMP, TIFF or DICOM");
}

} // namespace neurodx
