#include "NiftiReader.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <nifti2_io.h>
#include <zlib.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <mutex>

namespace neurodx {

namespace {

// Voxel counts above this are refused before anything is allocated (1 GiB as float).
constexpr std::int64_t kMaxVoxels = std::int64_t{1} << 28;
constexpr std::int64_t kMaxSide = 8192;

enum class HeaderKind { NotNifti, Nifti1, Nifti2, Analyze };

// What the first bytes say. zlib reads plain and gzip-compressed files alike.
HeaderKind probeHeader(const std::filesystem::path& file, std::string& detail)
{
    gzFile in = gzopen(file.string().c_str(), "rb");
    if (!in)
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "cannot be opened for reading");
    unsigned char bytes[544] = {};
    const int got = gzread(in, bytes, sizeof bytes);
    gzclose(in);
    if (got < 348) {
        detail = got <= 0 ? "the file is empty or not readable" : "only " + std::to_string(got) + " bytes, shorter than a NIfTI header (348)";
        return HeaderKind::NotNifti;
    }
    std::int32_t size = 0;
    std::memcpy(&size, bytes, 4);
    const std::int32_t swapped = static_cast<std::int32_t>(__builtin_bswap32(static_cast<std::uint32_t>(size)));
    if ((size == 540 || swapped == 540) && std::memcmp(bytes + 4, "n+2\0", 4) == 0)
        return HeaderKind::Nifti2;
    if (size == 348 || swapped == 348) {
        if (std::memcmp(bytes + 344, "n+1\0", 4) == 0 || std::memcmp(bytes + 344, "ni1\0", 4) == 0)
            return HeaderKind::Nifti1;
        return HeaderKind::Analyze;
    }
    detail = "the header size field is " + std::to_string(size) + ", neither 348 (NIfTI-1) nor 540 (NIfTI-2)";
    return HeaderKind::NotNifti;
}

struct NiftiDeleter {
    void operator()(nifti_image* image) const { nifti_image_free(image); }
};
using NiftiImage = std::unique_ptr<nifti_image, NiftiDeleter>;

void quietLibrary()
{
    static std::once_flag once;
    std::call_once(once, [] { nifti_set_debug_level(0); }); // its messages are replaced by ours
}

template <typename T>
void convert(const void* data, std::size_t count, std::vector<float>& out)
{
    const T* values = static_cast<const T*>(data);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(values[i]);
}

template <typename T>
void convertComplex(const void* data, std::size_t count, std::vector<float>& out)
{
    const T* values = static_cast<const T*>(data);
    for (std::size_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(std::abs(std::complex<T>(values[2 * i], values[2 * i + 1])));
}

void convertRgb(const void* data, std::size_t count, int channels, std::vector<float>& out)
{
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < count; ++i) {
        const unsigned char* p = bytes + i * static_cast<std::size_t>(channels);
        out[i] = static_cast<float>(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]); // ITU-R BT.601 luma
    }
}

// The voxels of the first 3D volume as float; `warning` set for lossy conversions.
std::vector<float> voxelsOf(const nifti_image& image, const void* data, std::size_t count, const std::filesystem::path& file, std::string& warning)
{
    std::vector<float> out(count);
    switch (image.datatype) {
    case DT_UINT8: convert<std::uint8_t>(data, count, out); break;
    case DT_INT8: convert<std::int8_t>(data, count, out); break;
    case DT_INT16: convert<std::int16_t>(data, count, out); break;
    case DT_UINT16: convert<std::uint16_t>(data, count, out); break;
    case DT_INT32: convert<std::int32_t>(data, count, out); break;
    case DT_UINT32: convert<std::uint32_t>(data, count, out); break;
    case DT_INT64: convert<std::int64_t>(data, count, out); break;
    case DT_UINT64: convert<std::uint64_t>(data, count, out); break;
    case DT_FLOAT32: convert<float>(data, count, out); break;
    case DT_FLOAT64: convert<double>(data, count, out); break;
    case DT_FLOAT128: convert<long double>(data, count, out); break;
    case DT_COMPLEX64: convertComplex<float>(data, count, out); warning = "complex voxels: their magnitude is used"; break;
    case DT_COMPLEX128: convertComplex<double>(data, count, out); warning = "complex voxels: their magnitude is used"; break;
    case DT_COMPLEX256: convertComplex<long double>(data, count, out); warning = "complex voxels: their magnitude is used"; break;
    case DT_RGB24: convertRgb(data, count, 3, out); warning = "RGB voxels: their luma is used"; break;
    case DT_RGBA32: convertRgb(data, count, 4, out); warning = "RGBA voxels: their luma is used"; break;
    default:
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           std::string("the NIfTI datatype ") + nifti_datatype_to_string(image.datatype) + " (" + std::to_string(image.datatype) +
                               ") holds no image intensities NeuroDx can read");
    }
    // scl_slope 0 (or not finite) means "no scaling" (NIfTI-1 standard, nibabel); RGB is never scaled.
    const double slope = image.scl_slope, intercept = std::isfinite(image.scl_inter) ? image.scl_inter : 0.0;
    if (std::isfinite(slope) && slope != 0.0 && image.datatype != DT_RGB24 && image.datatype != DT_RGBA32 && (slope != 1.0 || intercept != 0.0))
        for (float& v : out)
            v = static_cast<float>(v * slope + intercept);
    return out;
}

// nibabel's choice (Nifti1Header.get_best_affine): sform if its code is set, else qform, else the
// Analyze default (x flipped, centred). RAS+ rows; returned as LPS geometry.
VolumeGeometry geometryOf(const nifti_image& image, std::vector<std::string>& warnings)
{
    double affine[3][4] = {};
    if (image.sform_code > 0) {
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c)
                affine[r][c] = image.sto_xyz.m[r][c];
    } else if (image.qform_code > 0) {
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 4; ++c)
                affine[r][c] = image.qto_xyz.m[r][c];
    } else {
        warnings.push_back("the file gives no orientation (qform_code and sform_code are 0): Analyze's default storage (x to the right) is assumed");
        const double d[3] = {std::abs(image.dx) > 0 ? std::abs(image.dx) : 1.0, std::abs(image.dy) > 0 ? std::abs(image.dy) : 1.0,
                             std::abs(image.dz) > 0 ? std::abs(image.dz) : 1.0};
        const double n[3] = {static_cast<double>(image.nx), static_cast<double>(image.ny), static_cast<double>(image.nz)};
        affine[0][0] = -d[0];
        affine[1][1] = d[1];
        affine[2][2] = d[2];
        affine[0][3] = (n[0] - 1) / 2.0 * d[0];
        affine[1][3] = -(n[1] - 1) / 2.0 * d[1];
        affine[2][3] = -(n[2] - 1) / 2.0 * d[2];
    }
    VolumeGeometry g;
    g.size = {static_cast<int>(image.nx), static_cast<int>(image.ny), static_cast<int>(image.nz)};
    g.origin = {-affine[0][3], -affine[1][3], affine[2][3]};
    for (int a = 0; a < 3; ++a) {
        const Vec3 column{-affine[0][a], -affine[1][a], affine[2][a]};
        const double length = norm(column);
        g.spacing[static_cast<std::size_t>(a)] = length > 0 ? length : 1.0;
        g.direction[static_cast<std::size_t>(a)] = length > 0 ? Vec3{column[0] / length, column[1] / length, column[2] / length}
                                                              : Vec3{a == 0 ? 1.0 : 0.0, a == 1 ? 1.0 : 0.0, a == 2 ? 1.0 : 0.0};
    }
    return g;
}

} // namespace

bool isNiftiFile(const std::filesystem::path& file)
{
    const std::string name = toLower(file.filename().string());
    if (endsWith(name, ".nii") || endsWith(name, ".nii.gz"))
        return true;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        return false;
    try {
        std::string detail;
        const HeaderKind kind = probeHeader(file, detail);
        return kind == HeaderKind::Nifti1 || kind == HeaderKind::Nifti2;
    } catch (const NeuroDxError&) {
        return false;
    }
}

Volume readNifti(const std::filesystem::path& file)
{
    quietLibrary();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw NeuroDxError(ErrorKind::UnreadableFile, file, "no such file");
    std::string detail;
    const HeaderKind kind = probeHeader(file, detail);
    if (kind == HeaderKind::NotNifti)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "not a NIfTI file: " + detail);
    if (kind == HeaderKind::Analyze)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "an Analyze 7.5 header without NIfTI's magic: Analyze files store no reliable orientation (left and right "
                           "can be swapped); convert it to NIfTI with a tool that lets you state the orientation");

    NiftiImage header(nifti_image_read(file.string().c_str(), 0));
    if (!header)
        throw NeuroDxError(ErrorKind::CorruptFile, file, "the NIfTI header is damaged (dimensions, datatype or offsets are invalid)");
    const nifti_image& h = *header;
    if (h.nifti_type == NIFTI_FTYPE_ANALYZE)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file, "an Analyze 7.5 file, not NIfTI: its orientation is not reliable");
    if (h.nx < 1 || h.ny < 1 || h.nz < 1 || h.nx > kMaxSide || h.ny > kMaxSide || h.nz > kMaxSide || h.nx * h.ny * h.nz > kMaxVoxels)
        throw NeuroDxError(ErrorKind::CorruptFile, file,
                           "the header claims " + std::to_string(h.nx) + " x " + std::to_string(h.ny) + " x " + std::to_string(h.nz) +
                               " voxels, beyond what NeuroDx reads (" + std::to_string(kMaxSide) + " per side)");
    if (h.nz < 2)
        throw NeuroDxError(ErrorKind::UnsupportedFormat, file,
                           "a 2D image (" + std::to_string(h.nx) + " x " + std::to_string(h.ny) + "), not a volume: open it as an image");
    const std::int64_t volumes = h.nvox / (h.nx * h.ny * h.nz);

    Volume volume;
    std::string conversionWarning;
    const std::size_t count = static_cast<std::size_t>(h.nx * h.ny * h.nz);
    if (volumes > 1) {
        const std::int64_t first[1] = {0};
        nifti_brick_list bricks{};
        NiftiImage image(nifti_image_read_bricks(file.string().c_str(), 1, first, &bricks));
        if (!image || bricks.nbricks != 1 || !bricks.bricks || !bricks.bricks[0]) {
            nifti_free_NBL(&bricks);
            throw NeuroDxError(ErrorKind::CorruptFile, file, "the image data is shorter than the header says (truncated file?)");
        }
        volume.voxels = voxelsOf(*image, bricks.bricks[0], count, file, conversionWarning);
        nifti_free_NBL(&bricks);
        volume.source.warnings.push_back("a 4D file with " + std::to_string(volumes) + " volumes (fMRI, diffusion or several echoes?): the first is used");
    } else {
        if (nifti_image_load(header.get()) != 0 || !header->data)
            throw NeuroDxError(ErrorKind::CorruptFile, file, "the image data is shorter than the header says (truncated file?)");
        volume.voxels = voxelsOf(h, h.data, count, file, conversionWarning);
    }
    if (!conversionWarning.empty())
        volume.source.warnings.push_back(conversionWarning);
    volume.geometry = geometryOf(h, volume.source.warnings);
    volume.source.kind = kind == HeaderKind::Nifti2 ? "NIfTI-2" : "NIfTI-1";
    volume.source.path = file;
    volume.source.seriesDescription = trim(std::string(h.descrip, strnlen(h.descrip, sizeof h.descrip)));
    volume.source.storedAxes = volume.geometry.axisCodes();
    return volume;
}

} // namespace neurodx
