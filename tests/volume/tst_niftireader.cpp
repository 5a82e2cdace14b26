// NIfTI files written by another toolkit (Debian's python3-nibabel) in every datatype, byte order
// and transform variant, plus the real NIfTI files nibabel ships as its own test data. NeuroDx must
// read the voxels and the orientation nibabel reads.
#include "common/NeuroDxError.h"
#include "volume/NiftiReader.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace neurodx;
namespace fs = std::filesystem;

namespace {

const char* kNibabelData = "/usr/lib/python3/dist-packages/nibabel/tests/data";

// Writes every case into the folder given as argv[1]: NAME.nii[.gz], NAME.json (nibabel's affine,
// shape and volume count) and NAME.f32 (nibabel's float view of the first volume, x fastest).
const char* kWriter = R"PY(
import json, os, sys, shutil
import numpy as np, nibabel as nib
out = sys.argv[1]
shape = (5, 6, 7)
i, j, k = np.meshgrid(np.arange(5), np.arange(6), np.arange(7), indexing='ij')
ramp = (i + 10 * j + 60 * k).astype(np.float64)
oblique = np.array([[-1.8, 0.3, 0.0, 50.0], [0.2, 1.1, 0.9, -20.0], [-0.1, -0.7, 1.4, 30.0], [0, 0, 0, 1.0]])
permuted = np.array([[-2.0, 0, 0, 50], [0, 0, 3.0, -20], [0, -1.5, 0, 30], [0, 0, 0, 1.0]])

def expect(name, img):
    data = np.asanyarray(img.dataobj)
    if data.dtype.names:  # RGB: NeuroDx uses the luma
        data = 0.299 * data['R'] + 0.587 * data['G'] + 0.114 * data['B']
    elif np.iscomplexobj(data):
        data = np.abs(data)
    else:
        data = img.get_fdata()
    volumes = 1
    if data.ndim > 3:
        volumes = int(np.prod(data.shape[3:]))
        data = data.reshape(data.shape[:3] + (-1,))[..., 0]
    np.asarray(data, np.float32).ravel(order='F').tofile(os.path.join(out, name + '.f32'))
    json.dump({'affine': img.affine.tolist(), 'shape': list(data.shape[:3]), 'volumes': volumes},
              open(os.path.join(out, name + '.json'), 'w'))

def save(name, img, ext='.nii'):
    nib.save(img, os.path.join(out, name + ext))
    expect(name, nib.load(os.path.join(out, name + ext)))

for dtype in ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64']:
    save('dtype_' + dtype, nib.Nifti1Image(ramp.astype(dtype), permuted, dtype=dtype))
# nibabel does not write FLOAT128: a float64 file with its datatype and data rewritten as x86 long double.
save('dtype_float128', nib.Nifti1Image(ramp, permuted, dtype='float64'))
name = os.path.join(out, 'dtype_float128.nii')
raw = bytearray(open(name, 'rb').read())
raw[70:72] = np.int16(1536).tobytes(); raw[72:74] = np.int16(128).tobytes()
offset = int(np.frombuffer(bytes(raw[108:112]), np.float32)[0])
open(name, 'wb').write(bytes(raw[:offset]) + ramp.astype(np.longdouble).ravel(order='F').tobytes())
for dtype in ['complex64', 'complex128']:
    save('dtype_' + dtype, nib.Nifti1Image((ramp + 1j * (ramp % 7)).astype(dtype), permuted))
rgb = np.zeros(shape, dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
rgb['R'], rgb['G'], rgb['B'] = ramp % 256, (2 * ramp) % 256, 255 - ramp % 256
save('dtype_rgb24', nib.Nifti1Image(rgb, permuted))

scaled = nib.Nifti1Image(ramp.astype(np.int16), permuted)
scaled.header.set_slope_inter(2.5, -10.0)
save('scaled_int16', scaled)
for dtype in ['int16', 'float32']:
    save('bigendian_' + dtype, nib.Nifti1Image(ramp.astype(dtype), oblique, header=nib.Nifti1Header(endianness='>')))

only_s = nib.Nifti1Image(ramp.astype(np.float32), oblique)
only_s.set_qform(None, code=0); only_s.set_sform(oblique, code=2)
save('sform_only', only_s)
only_q = nib.Nifti1Image(ramp.astype(np.float32), None)
only_q.set_qform(permuted, code=1); only_q.set_sform(None, code=0)
save('qform_only', only_q)
both = nib.Nifti1Image(ramp.astype(np.float32), None)
both.set_qform(permuted, code=1); both.set_sform(oblique, code=1)
save('sform_wins', both)
neither = nib.Nifti1Image(ramp.astype(np.float32), None)
neither.header.set_zooms((1.5, 2.0, 2.5))
neither.set_qform(None, code=0); neither.set_sform(None, code=0)
save('no_transform', neither)

save('gzipped', nib.Nifti1Image(ramp.astype(np.int16), oblique), '.nii.gz')
save('nifti2', nib.Nifti2Image(ramp.astype(np.float32), oblique))
save('nifti2_gz', nib.Nifti2Image(ramp.astype(np.int16), permuted), '.nii.gz')
four = np.stack([ramp, ramp + 1000, ramp + 2000], axis=-1).astype(np.int16)
save('four_d', nib.Nifti1Image(four, permuted))

for real in ['anatomical.nii', 'example4d.nii.gz', 'example_nifti2.nii.gz', 'standard.nii.gz', 'reoriented_anat_moved.nii', 'functional.nii']:
    name = 'real_' + real.split('.')[0]
    ext = real[len(real.split('.')[0]):]
    shutil.copy(os.path.join(sys.argv[2], real), os.path.join(out, name + ext))
    expect(name, nib.load(os.path.join(out, name + ext)))

flat = nib.Nifti1Image(ramp[:, :, :1].astype(np.int16), permuted)
nib.save(flat, os.path.join(out, 'flat.nii'))
)PY";

QJsonObject readJson(const fs::path& file)
{
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// LPS geometry back to nibabel's RAS affine.
double rasAffine(const VolumeGeometry& g, int row, int column)
{
    const double sign = row < 2 ? -1.0 : 1.0;
    if (column == 3)
        return sign * g.origin[static_cast<std::size_t>(row)];
    return sign * g.direction[static_cast<std::size_t>(column)][static_cast<std::size_t>(row)] * g.spacing[static_cast<std::size_t>(column)];
}

} // namespace

class NiftiReaderTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void readsWhatNibabelReads_data();
    void readsWhatNibabelReads();
    void warnsAboutLossyAndMissingInformation_data();
    void warnsAboutLossyAndMissingInformation();
    void refusesWithAReason_data();
    void refusesWithAReason();
    void refusesTruncatedData_data();
    void refusesTruncatedData();
    void recognisesNiftiByNameOrContent();

private:
    fs::path path(const std::string& name) const { return fs::path(m_dir.path().toStdString()) / name; }
    QTemporaryDir m_dir;
};

void NiftiReaderTest::initTestCase()
{
    QVERIFY(m_dir.isValid());
    if (!QFile::exists(QString::fromLatin1(kNibabelData) + "/anatomical.nii"))
        QSKIP("python3-nibabel is missing: run scripts/bootstrap.sh");
    QProcess python;
    python.start("/usr/bin/python3", {"-c", kWriter, m_dir.path(), QString::fromLatin1(kNibabelData)});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
}

void NiftiReaderTest::readsWhatNibabelReads_data()
{
    QTest::addColumn<QString>("file");
    for (const char* name : {"dtype_uint8.nii", "dtype_int8.nii", "dtype_int16.nii", "dtype_uint16.nii", "dtype_int32.nii", "dtype_uint32.nii",
                             "dtype_int64.nii", "dtype_uint64.nii", "dtype_float32.nii", "dtype_float64.nii", "dtype_float128.nii",
                             "dtype_complex64.nii", "dtype_complex128.nii", "dtype_rgb24.nii", "scaled_int16.nii", "bigendian_int16.nii",
                             "bigendian_float32.nii", "sform_only.nii", "qform_only.nii", "sform_wins.nii", "no_transform.nii", "gzipped.nii.gz",
                             "nifti2.nii", "nifti2_gz.nii.gz", "four_d.nii", "real_anatomical.nii", "real_example4d.nii.gz",
                             "real_example_nifti2.nii.gz", "real_standard.nii.gz", "real_reoriented_anat_moved.nii", "real_functional.nii"})
        QTest::newRow(name) << QString::fromLatin1(name);
}

void NiftiReaderTest::readsWhatNibabelReads()
{
    QFETCH(QString, file);
    const fs::path nifti = path(file.toStdString());
    const std::string stem = file.left(file.indexOf('.')).toStdString();
    const QJsonObject expected = readJson(path(stem + ".json"));
    QVERIFY2(!expected.isEmpty(), "the Python writer left no expectation");

    const Volume volume = readNifti(nifti);
    const QJsonArray shape = expected["shape"].toArray();
    for (int a = 0; a < 3; ++a)
        QCOMPARE(volume.geometry.size[static_cast<std::size_t>(a)], shape[a].toInt());
    // A qform is a float32 quaternion: nibabel and nifti_clib turn it into matrices that differ by a
    // few 1e-4 where the quaternion's first component is near 0 (sqrt of a small difference).
    const QJsonArray affine = expected["affine"].toArray();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c) {
            const double want = affine[r].toArray()[c].toDouble();
            QVERIFY2(std::abs(rasAffine(volume.geometry, r, c) - want) < 1e-3 * std::max(1.0, std::abs(want)),
                     qPrintable(QString("affine[%1][%2] = %3, nibabel %4").arg(r).arg(c).arg(rasAffine(volume.geometry, r, c)).arg(want)));
        }

    std::ifstream raw(path(stem + ".f32"), std::ios::binary);
    std::vector<float> want(volume.voxels.size());
    raw.read(reinterpret_cast<char*>(want.data()), static_cast<std::streamsize>(want.size() * sizeof(float)));
    QCOMPARE(static_cast<std::size_t>(raw.gcount()), want.size() * sizeof(float));
    for (std::size_t v = 0; v < want.size(); ++v)
        if (std::abs(volume.voxels[v] - want[v]) > 1e-5f * std::max(1.0f, std::abs(want[v])))
            QFAIL(qPrintable(QString("voxel %1: %2, nibabel %3").arg(v).arg(volume.voxels[v]).arg(want[v])));
    QCOMPARE(volume.source.kind, std::string(stem.rfind("nifti2", 0) == 0 || stem == "real_example_nifti2" ? "NIfTI-2" : "NIfTI-1"));
}

void NiftiReaderTest::warnsAboutLossyAndMissingInformation_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("warning"); // empty: no warning at all
    QTest::newRow("4D") << "four_d.nii" << "a 4D file with 3 volumes";
    QTest::newRow("complex") << "dtype_complex64.nii" << "magnitude";
    QTest::newRow("rgb") << "dtype_rgb24.nii" << "luma";
    QTest::newRow("no transform") << "no_transform.nii" << "gives no orientation";
    QTest::newRow("plain") << "sform_only.nii" << "";
}

void NiftiReaderTest::warnsAboutLossyAndMissingInformation()
{
    QFETCH(QString, file);
    QFETCH(QString, warning);
    const Volume volume = readNifti(path(file.toStdString()));
    QString all;
    for (const std::string& w : volume.source.warnings)
        all += QString::fromStdString(w) + "\n";
    if (warning.isEmpty())
        QVERIFY2(all.isEmpty(), qPrintable(all));
    else
        QVERIFY2(all.contains(warning), qPrintable(all));
}

void NiftiReaderTest::refusesWithAReason_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content"); // written to `file` first unless empty
    QTest::addColumn<QString>("reason");
    QTest::newRow("analyze") << QString::fromLatin1(kNibabelData) + "/analyze.hdr" << QByteArray() << "Analyze 7.5";
    QTest::newRow("text named .nii") << "text.nii" << QByteArray(400, 'x') << "not a NIfTI file";
    QTest::newRow("short") << "short.nii" << QByteArray(100, '\0') << "shorter than a NIfTI header";
    QTest::newRow("2D") << "flat.nii" << QByteArray() << "a 2D image";
    QTest::newRow("missing") << "missing.nii" << QByteArray() << "no such file";
}

void NiftiReaderTest::refusesWithAReason()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    const fs::path target = file.startsWith('/') ? fs::path(file.toStdString()) : path(file.toStdString());
    if (!content.isEmpty())
        std::ofstream(target, std::ios::binary).write(content.constData(), content.size());
    try {
        readNifti(target);
        QFAIL("read without complaint");
    } catch (const NeuroDxError& e) {
        QVERIFY2(QString(e.what()).contains(reason), e.what());
        QCOMPARE(e.file(), target);
    }
}

void NiftiReaderTest::refusesTruncatedData_data()
{
    QTest::addColumn<QString>("source");
    QTest::newRow("plain") << "dtype_float64.nii";
    QTest::newRow("gzip") << "gzipped.nii.gz";
}

void NiftiReaderTest::refusesTruncatedData()
{
    QFETCH(QString, source);
    QFile original(QString::fromStdString(path(source.toStdString()).string()));
    QVERIFY(original.open(QIODevice::ReadOnly));
    const QByteArray bytes = original.readAll();
    const fs::path cut = path("cut_" + source.toStdString());
    std::ofstream(cut, std::ios::binary).write(bytes.constData(), bytes.size() * 3 / 4);
    try {
        readNifti(cut);
        QFAIL("a truncated file was read");
    } catch (const NeuroDxError& e) {
        QVERIFY2(QString(e.what()).contains("truncated") || QString(e.what()).contains("damaged"), e.what());
        QCOMPARE(e.file(), cut);
    }
}

void NiftiReaderTest::recognisesNiftiByNameOrContent()
{
    QVERIFY(isNiftiFile("whatever.NII.GZ"));
    fs::copy_file(path("nifti2.nii"), path("no_extension"));
    QVERIFY(isNiftiFile(path("no_extension")));
    QVERIFY(!isNiftiFile(path("dtype_int16.json")));
}

QTEST_APPLESS_MAIN(NiftiReaderTest)
#include "tst_niftireader.moc"
