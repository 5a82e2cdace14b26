#pragma once

// Other toolkits the scan writer tests check NeuroDx's files with: nibabel (through a Python that
// has it) and dcm2niix. Header-only; each test executable that uses it runs the tools itself.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QString>

#include <filesystem>
#include <fstream>
#include <vector>

namespace neurodx::test {

struct ToolRun {
    bool ok = false;
    QString standardOutput;
    QString output; // stdout then stderr
};

inline ToolRun runTool(const QString& program, const QStringList& args, int timeoutMs = 120000)
{
    QProcess process;
    process.start(program, args);
    ToolRun run;
    const bool finished = process.waitForFinished(timeoutMs);
    run.standardOutput = QString::fromUtf8(process.readAllStandardOutput());
    run.output = run.standardOutput + QString::fromUtf8(process.readAllStandardError());
    run.ok = finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!finished)
        run.output += "\n(timed out)";
    return run;
}

struct Tools {
    QString python;   // a Python 3 that imports nibabel, or empty
    QString dcm2niix; // or empty
};

// Debian's python3-nibabel lives in /usr/bin/python3's packages; a pyenv or venv python3 first on
// PATH would not see it, so the system one is tried first.
inline Tools findTools()
{
    Tools tools;
    for (const QString& candidate : {QString("/usr/bin/python3"), QStandardPaths::findExecutable("python3")}) {
        if (!candidate.isEmpty() && QFile::exists(candidate) && runTool(candidate, {"-c", "import nibabel, numpy"}).ok) {
            tools.python = candidate;
            break;
        }
    }
    tools.dcm2niix = QStandardPaths::findExecutable("dcm2niix");
    return tools;
}

// nibabel's view of a NIfTI file: shape, affine (row-major 4x4), codes, header size, image class,
// zooms (first three), scl_slope (1 when absent); the scaled voxels go to `raw` as little-endian
// float64 in NIfTI order (i fastest). On failure the object holds "error" with the tool's output.
inline QJsonObject runNibabel(const Tools& tools, const std::filesystem::path& file, const std::filesystem::path& raw)
{
    static const char* script = R"(
import sys, json, numpy as np, nibabel as nib
img = nib.load(sys.argv[1])
h = img.header
np.asarray(img.get_fdata(), dtype='<f8').ravel(order='F').tofile(sys.argv[2])
slope = float(getattr(img.dataobj, 'slope', 1.0))  # nibabel moves the scaling from the header to dataobj
print(json.dumps({'shape': [int(n) for n in img.shape], 'affine': np.asarray(img.affine).ravel().tolist(),
                  'sform_code': int(h['sform_code']), 'qform_code': int(h['qform_code']),
                  'sizeof_hdr': int(h['sizeof_hdr']), 'class': type(img).__name__,
                  'zooms': [float(z) for z in h.get_zooms()[:3]],
                  'scl_slope': slope if np.isfinite(slope) and slope != 0 else 1.0}))
)";
    const ToolRun run = runTool(tools.python, {"-c", script, QString::fromStdString(file.string()), QString::fromStdString(raw.string())});
    const QJsonDocument document = QJsonDocument::fromJson(run.standardOutput.trimmed().section('\n', -1).toUtf8());
    if (!run.ok || !document.isObject())
        return QJsonObject{{"error", run.output}};
    return document.object();
}

inline std::vector<double> jsonNumbers(const QJsonValue& value)
{
    std::vector<double> numbers;
    for (const QJsonValue& v : value.toArray())
        numbers.push_back(v.toDouble());
    return numbers;
}

inline std::vector<double> readDoubles(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::vector<double> values;
    double value;
    while (in.read(reinterpret_cast<char*>(&value), sizeof value))
        values.push_back(value);
    return values;
}

} // namespace neurodx::test
