#include "NiftiWriter.h"

#include "common/NeuroDxError.h"

#include <nifti2_io.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>

namespace fs = std::filesystem;

static_assert(sizeof(nifti_1_header) == 348 && sizeof(nifti_2_header) == 540, "NIfTI headers are written byte for byte");

namespace neurodx {

namespace {

struct TypeInfo {
    int code;        // DT_*
    double low, high; // representable range (integers)
    bool isInteger;
};

TypeInfo typeInfo(NiftiDataType type)
{
    switch (type) {
    case NiftiDataType::UInt8: return {DT_UINT8, 0.0, 255.0, true};
    case NiftiDataType::Int16: return {DT_INT16, -32768.0, 32767.0, true};
    case NiftiDataType::UInt16: return {DT_UINT16, 0.0, 65535.0, true};
    case NiftiDataType::Int32: return {DT_INT32, -2147483648.0, 2147483647.0, true};
    case NiftiDataType::Float32: return {DT_FLOAT32, 0.0, 0.0, false};
    case NiftiDataType::Float64: return {DT_FLOAT64, 0.0, 0.0, false};
    }
    return {DT_FLOAT32, 0.0, 0.0, false};
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// scl_slope and scl_inter as the header will hold them (NIfTI-1 stores float32), so values are
// quantised with exactly the numbers a reader multiplies by.
struct Scaling {
    double slope = 1.0, inter = 0.0;
};

Scaling chooseScaling(const std::vector<Volume>& frames, const TypeInfo& type, const NiftiWriteOptions& options, const fs::path& file)
{
    Scaling scaling;
    if (options.sclSlope || options.sclInter) {
        scaling.slope = options.sclSlope.value_or(1.0);
        scaling.inter = options.sclInter.value_or(0.0);
        if (type.isInteger && !(scaling.slope != 0.0 && std::isfinite(scaling.slope)))
            throw NeuroDxError(ErrorKind::InvalidArgument, file, "an integer NIfTI needs a finite, non-zero scl_slope");
    } else if (type.isInteger) {
        double low = std::numeric_limits<double>::infinity(), high = -low;
        bool integral = true;
        for (const Volume& frame : frames)
            for (const float v : frame.voxels) {
                if (!std::isfinite(v))
                    throw NeuroDxError(ErrorKind::InvalidArgument, file, "integer NIfTI data cannot hold NaN or infinite values");
                low = std::min(low, double(v));
                high = std::max(high, double(v));
                integral = integral && std::nearbyint(v) == v;
            }
        if (!(integral && low >= type.low && high <= type.high)) {
            // Spread the value range over the type's whole range.
            scaling.slope = high > low ? (high - low) / (type.high - type.low) : 1.0;
            scaling.inter = high > low ? low - type.low * scaling.slope : low;
        }
    }
    if (options.version == NiftiVersion::Nifti1) {
        scaling.slope = static_cast<float>(scaling.slope);
        scaling.inter = static_cast<float>(scaling.inter);
    }
    return scaling;
}

template <typename T>
void storeInteger(const std::vector<Volume>& frames, const Scaling& s, const TypeInfo& type, void* data)
{
    T* out = static_cast<T*>(data);
    for (const Volume& frame : frames)
        for (const float v : frame.voxels) {
            const double scaled = std::nearbyint((double(v) - s.inter) / s.slope);
            *out++ = static_cast<T>(std::isnan(scaled) ? 0.0 : std::clamp(scaled, type.low, type.high));
        }
}

template <typename T>
void storeFloat(const std::vector<Volume>& frames, const Scaling& s, void* data)
{
    T* out = static_cast<T*>(data);
    const bool scaled = s.slope != 0.0 && !(s.slope == 1.0 && s.inter == 0.0);
    for (const Volume& frame : frames)
        for (const float v : frame.voxels)
            *out++ = static_cast<T>(scaled ? (double(v) - s.inter) / s.slope : double(v));
}

void storeVoxels(const std::vector<Volume>& frames, const Scaling& s, const TypeInfo& type, NiftiDataType dataType, void* data)
{
    switch (dataType) {
    case NiftiDataType::UInt8: storeInteger<std::uint8_t>(frames, s, type, data); break;
    case NiftiDataType::Int16: storeInteger<std::int16_t>(frames, s, type, data); break;
    case NiftiDataType::UInt16: storeInteger<std::uint16_t>(frames, s, type, data); break;
    case NiftiDataType::Int32: storeInteger<std::int32_t>(frames, s, type, data); break;
    case NiftiDataType::Float32: storeFloat<float>(frames, s, data); break;
    case NiftiDataType::Float64: storeFloat<double>(frames, s, data); break;
    }
}

nifti_dmat44 toDmat44(const std::array<std::array<double, 4>, 4>& a)
{
    nifti_dmat44 m;
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c)
            m.m[r][c] = a[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)];
    return m;
}

struct ImageDeleter {
    void operator()(nifti_image* image) const { nifti_image_free(image); }
};

} // namespace

std::array<std::array<double, 4>, 4> rasAffine(const VolumeGeometry& g)
{
    std::array<std::array<double, 4>, 4> a{};
    for (std::size_t r = 0; r < 3; ++r) {
        const double sign = r < 2 ? -1.0 : 1.0; // LPS -> RAS
        for (std::size_t c = 0; c < 3; ++c)
            a[r][c] = sign * g.direction[c][r] * g.spacing[c];
        a[r][3] = sign * g.origin[r];
    }
    a[3][3] = 1.0;
    return a;
}

void writeNifti(const fs::path& file, const Volume& volume, const NiftiWriteOptions& options)
{
    writeNifti(file, std::vector<Volume>{volume}, options);
}

void writeNifti(const fs::path& file, const std::vector<Volume>& frames, const NiftiWriteOptions& options)
{
    const std::string name = file.filename().string();
    const std::string extension = endsWith(name, ".nii.gz") ? ".nii.gz" : endsWith(name, ".nii") ? ".nii" : "";
    if (extension.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "a NIfTI file name must end in .nii or .nii.gz");
    if (frames.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "no volume to write");
    std::error_code ec;
    if (!fs::is_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path(), ec))
        throw NeuroDxError(ErrorKind::Io, file, "the folder does not exist");
    const VolumeGeometry& g = frames.front().geometry;
    for (const Volume& frame : frames) {
        if (frame.geometry.size != g.size || frame.voxels.size() != g.voxelCount())
            throw NeuroDxError(ErrorKind::InvalidArgument, file, "all frames must have the first frame's grid size and as many voxels");
    }
    if (g.voxelCount() == 0)
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "the volume is empty");
    if (options.version == NiftiVersion::Nifti1 && std::max({g.size[0], g.size[1], g.size[2], int(frames.size())}) > 32767)
        throw NeuroDxError(ErrorKind::InvalidArgument, file, "NIfTI-1 holds at most 32767 voxels per axis; write NIfTI-2");

    const TypeInfo type = typeInfo(options.dataType);
    const Scaling scaling = chooseScaling(frames, type, options, file);
    const bool is4d = frames.size() > 1;
    const int64_t dims[8] = {is4d ? 4 : 3, g.size[0], g.size[1], g.size[2], static_cast<int64_t>(frames.size()), 1, 1, 1};
    std::unique_ptr<nifti_image, ImageDeleter> image(nifti_make_new_nim(dims, type.code, 1));
    if (!image)
        throw NeuroDxError(ErrorKind::Io, file, "libnifti could not allocate the image");
    nifti_image& nim = *image;
    nim.nifti_type = options.version == NiftiVersion::Nifti1 ? NIFTI_FTYPE_NIFTI1_1 : NIFTI_FTYPE_NIFTI2_1;
    nim.dx = nim.pixdim[1] = g.spacing[0];
    nim.dy = nim.pixdim[2] = g.spacing[1];
    nim.dz = nim.pixdim[3] = g.spacing[2];
    nim.dt = nim.pixdim[4] = 1.0;
    nim.xyz_units = NIFTI_UNITS_MM;
    nim.time_units = is4d ? NIFTI_UNITS_SEC : 0;
    nim.scl_slope = scaling.slope;
    nim.scl_inter = scaling.inter;
    const std::string description = !options.description.empty() ? options.description : frames.front().source.seriesDescription;
    std::strncpy(nim.descrip, description.c_str(), sizeof nim.descrip - 1);

    const nifti_dmat44 affine = toDmat44(rasAffine(g));
    const bool sform = options.transforms == NiftiTransforms::SformAndQform || options.transforms == NiftiTransforms::SformOnly;
    const bool qform = options.transforms == NiftiTransforms::SformAndQform || options.transforms == NiftiTransforms::QformOnly;
    nim.sform_code = sform ? options.sformCode : 0;
    nim.qform_code = qform ? options.qformCode : 0;
    nim.sto_xyz = affine;
    nim.sto_ijk = nifti_dmat44_inverse(affine);
    // The qform is a rotation (with qfac for a left-handed grid), offsets and pixdim: libnifti
    // derives it from the affine (polar decomposition for a non-orthogonal one).
    double dx = 0, dy = 0, dz = 0;
    nifti_dmat44_to_quatern(affine, &nim.quatern_b, &nim.quatern_c, &nim.quatern_d, &nim.qoffset_x, &nim.qoffset_y,
                            &nim.qoffset_z, &dx, &dy, &dz, &nim.qfac);
    nim.pixdim[0] = nim.qfac;
    nim.qto_xyz = nifti_quatern_to_dmat44(nim.quatern_b, nim.quatern_c, nim.quatern_d, nim.qoffset_x, nim.qoffset_y,
                                          nim.qoffset_z, nim.dx, nim.dy, nim.dz, nim.qfac);
    nim.qto_ijk = nifti_dmat44_inverse(nim.qto_xyz);

    storeVoxels(frames, scaling, type, options.dataType, nim.data);

    // libnifti 3.0's nifti_image_write treats a NIfTI-2 ".nii" as a header/image pair and overwrites
    // the header with the data, so libnifti only builds the header and znzlib writes the file:
    // header, the four-byte extension flag (no extensions), voxels from vox_offset.
    const bool nifti1 = options.version == NiftiVersion::Nifti1;
    nim.iname_offset = nifti1 ? 352 : 544;
    std::string header;
    if (nifti1) {
        nifti_1_header h;
        if (nifti_convert_nim2n1hdr(&nim, &h) != 0)
            throw NeuroDxError(ErrorKind::InvalidArgument, file, "libnifti cannot express this volume as a NIfTI-1 header");
        header.assign(reinterpret_cast<const char*>(&h), sizeof h);
    } else {
        nifti_2_header h;
        if (nifti_convert_nim2n2hdr(&nim, &h) != 0)
            throw NeuroDxError(ErrorKind::InvalidArgument, file, "libnifti cannot express this volume as a NIfTI-2 header");
        header.assign(reinterpret_cast<const char*>(&h), sizeof h);
    }
    header.append(4, '\0');
    const std::size_t dataBytes = static_cast<std::size_t>(nim.nvox) * static_cast<std::size_t>(nim.nbyper);

    // The temporary file keeps the extension, so readers of a half-written folder can tell its kind.
    const std::string stem = name.substr(0, name.size() - extension.size());
    const fs::path temporary = file.parent_path() / ("." + stem + ".part" + extension);
    znzFile out = znzopen(temporary.string().c_str(), "wb", extension == ".nii.gz" ? 1 : 0);
    bool written = !znz_isnull(out) && znzwrite(header.data(), 1, header.size(), out) == header.size() &&
                   znzwrite(nim.data, 1, dataBytes, out) == dataBytes;
    if (!znz_isnull(out))
        written = znzclose(out) == 0 && written;
    // What libnifti cannot read back, no reader should be handed.
    std::unique_ptr<nifti_image, ImageDeleter> check(written ? nifti_image_read(temporary.string().c_str(), 0) : nullptr);
    if (!check || check->nvox != nim.nvox || (extension == ".nii" && fs::file_size(temporary, ec) != header.size() + dataBytes)) {
        fs::remove(temporary, ec);
        throw NeuroDxError(ErrorKind::Io, file, "cannot write the file (disk full or no permission?)");
    }
    fs::rename(temporary, file, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, file, "cannot move the written file into place: " + ec.message());
}

} // namespace neurodx
