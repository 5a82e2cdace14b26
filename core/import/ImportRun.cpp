// runImport: scans become PNG slices, a manifest and the import record.
#include "ScanImport.h"

#include "common/AtomicFile.h"
#include "common/CancelToken.h"
#include "common/JsonFile.h"
#include "common/NeuroDxError.h"
#include "common/ParallelFor.h"
#include "common/TextUtil.h"
#include "common/Version.h"
#include "import/ImportFiles.h"
#include "imaging/ModelInput.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace neurodx {

std::string importFileSafe(const std::string& text)
{
    std::string safe;
    for (char c : text)
        safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '-';
    return safe.empty() ? "scan" : safe;
}

fs::path importFragmentPath(const fs::path& output, const std::string& key)
{
    return output / kImportWorkFolder / (importFileSafe(key) + ".csv");
}

std::optional<SliceSelection> importedSliceSelection(const fs::path& datasetRoot)
{
    const fs::path record = datasetRoot / kImportRecordFile;
    std::error_code ec;
    if (!fs::is_regular_file(record, ec))
        return std::nullopt;
    const nlohmann::json json = readJsonFile(record);
    if (!json.contains("slices"))
        throw NeuroDxError(ErrorKind::CorruptFile, record, "the import record has no \"slices\" entry");
    try {
        return SliceSelection::fromJson(json["slices"]);
    } catch (const NeuroDxError& e) {
        throw NeuroDxError(ErrorKind::CorruptFile, record, e.what());
    }
}

namespace {

const char* kManifestHeader =
    "file,class,subject,visit,acq_date,image_id,series_instance_uid,source,source_file,plane,slice_index,position_mm\n";

std::string millimetres(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

// The PNG a slice becomes: round(255 * the model input's normalised grey), at the slice's own size.
std::string pngOf(const Slice& slice, const fs::path& file)
{
    cv::Mat bytes;
    normalisedGrey(slice, intensityWindowFor(slice)).convertTo(bytes, CV_8U, 255.0);
    std::vector<unsigned char> png;
    if (!cv::imencode(".png", bytes, png))
        throw NeuroDxError(ErrorKind::Io, file, "PNG encoding failed");
    return std::string(png.begin(), png.end());
}

class ScanWriter {
public:
    ScanWriter(const ImportPlan& plan, const PlannedScan& scan) : m_plan(plan), m_scan(scan) {}
    ~ScanWriter()
    {
        if (!m_finished) // a failure or cancel midway: none of this scan's files stay
            for (const fs::path& file : m_written) {
                std::error_code ec;
                fs::remove(file, ec);
            }
    }

    std::size_t write(const CancelToken* cancel)
    {
        const ImportOptions& options = m_plan.options;
        const Volume volume = loadScan(m_scan.source, cancel);
        const std::vector<int> indices = selectSlices(volume, options.slices);
        if (indices.empty())
            throw NeuroDxError(ErrorKind::InvalidDataset, m_scan.source.path, "no slice of the scan falls in " + options.slices.describe());
        const std::string className = m_plan.classNames.at(static_cast<std::size_t>(m_scan.label));
        const fs::path folder = options.output / className / importFileSafe(m_scan.subject);
        std::error_code ec;
        fs::create_directories(folder, ec);
        if (ec)
            throw NeuroDxError(ErrorKind::Io, folder, "cannot create the folder: " + ec.message());

        const auto range = valueRange(volume);
        const std::string stem = className + importFileSafe(m_scan.subject) + "_" + importFileSafe(m_scan.visit) + "_" + importFileSafe(m_scan.key) + "_" +
                                 slicePlaneLetter(options.slices.plane);
        std::vector<fs::path> files(indices.size());
        for (std::size_t n = 0; n < indices.size(); ++n) {
            char index[16];
            std::snprintf(index, sizeof index, "%03d", indices[n]);
            files[n] = folder / (stem + index + ".png");
        }
        m_written = files; // removed again unless every one is written
        parallelFor(
            indices.size(), cancel,
            [&](std::size_t n) {
                const Slice slice = volumeSlice(volume, options.slices.plane, indices[n], range);
                writeFileAtomically(files[n], pngOf(slice, files[n]));
            },
            4, "the import was cancelled");

        const std::string source = m_scan.source.kind == ScanSource::Kind::Nifti ? m_scan.relativePath
                                                                                  : m_scan.source.path.lexically_relative(options.source).generic_string();
        std::string rows;
        for (std::size_t n = 0; n < indices.size(); ++n) {
            const fs::path holder = sliceSourceFile(volume, options.slices.plane, indices[n]);
            const std::vector<std::string> fields{files[n].lexically_relative(options.output).generic_string(),
                                                  className,
                                                  m_scan.subject,
                                                  m_scan.visit,
                                                  m_scan.date,
                                                  m_scan.imageDataId,
                                                  m_scan.source.series.seriesInstanceUid,
                                                  source,
                                                  holder.empty() ? std::string() : holder.lexically_relative(options.source).generic_string(),
                                                  slicePlaneName(options.slices.plane),
                                                  std::to_string(indices[n]),
                                                  millimetres(slicePositionMm(volume, options.slices.plane, indices[n]))};
            for (std::size_t f = 0; f < fields.size(); ++f)
                rows += (f ? "," : "") + csvField(fields[f]);
            rows += "\n";
        }
        const fs::path fragment = importFragmentPath(options.output, m_scan.key);
        fs::create_directories(fragment.parent_path(), ec);
        writeFileAtomically(fragment, rows);
        m_finished = true;
        return indices.size();
    }

private:
    const ImportPlan& m_plan;
    const PlannedScan& m_scan;
    std::vector<fs::path> m_written;
    bool m_finished = false;
};

// manifest.csv: every finished scan's rows (this run's and earlier runs'), in path order.
std::size_t writeManifest(const fs::path& output)
{
    std::vector<std::string> rows;
    std::error_code ec;
    for (fs::directory_iterator it(output / kImportWorkFolder, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() != ".csv")
            continue;
        std::ifstream in(it->path(), std::ios::binary);
        for (std::string line; std::getline(in, line);)
            if (!line.empty())
                rows.push_back(line);
    }
    std::sort(rows.begin(), rows.end());
    std::string text = kManifestHeader;
    for (const std::string& row : rows)
        text += row + "\n";
    writeFileAtomically(output / kImportManifestFile, text);
    return rows.size();
}

} // namespace

ImportResult runImport(const ImportPlan& plan, const CancelToken* cancel, const std::function<void(const ImportProgress&)>& progress)
{
    const ImportOptions& options = plan.options;
    std::error_code ec;
    fs::create_directories(options.output, ec);
    if (ec)
        throw NeuroDxError(ErrorKind::Io, options.output, "cannot create the output folder: " + ec.message());

    ImportResult result;
    result.scansAlreadyDone = plan.countAlreadyImported();
    ImportProgress state;
    state.scansTotal = plan.countToImport();
    for (const PlannedScan& scan : plan.scans) {
        if (!scan.willImport())
            continue;
        if (cancel && cancel->isCancelled())
            throw NeuroDxError(ErrorKind::Cancelled, "the import was cancelled");
        state.current = scan.subject + " " + scan.visit + (scan.imageDataId.empty() ? "" : " (" + scan.imageDataId + ")");
        if (progress)
            progress(state);
        try {
            ScanWriter writer(plan, scan);
            const std::size_t slices = writer.write(cancel);
            result.slicesWritten += slices;
            state.slicesWritten += slices;
            ++result.scansImported;
        } catch (const NeuroDxError& e) {
            if (e.kind() == ErrorKind::Cancelled)
                throw;
            if (e.kind() == ErrorKind::Io)
                throw; // a full disk or a read-only folder stops the import: every further scan would fail too
            result.failures.push_back({scan.relativePath, e.what()});
        }
        ++state.scansDone;
        if (progress)
            progress(state);
    }

    result.slicesInManifest = writeManifest(options.output);
    result.manifest = options.output / kImportManifestFile;
    const nlohmann::json record = {{"format", "neurodx-import"},
                                   {"version", 1},
                                   {"slices", options.slices.toJson()},
                                   {"slices_description", options.slices.describe()},
                                   {"baseline_only", options.baselineOnly},
                                   {"classes", plan.classNames},
                                   {"source", options.source.string()},
                                   {"metadata", options.metadataCsv ? options.metadataCsv->string() : std::string()},
                                   {"slices_in_manifest", result.slicesInManifest},
                                   {"app_version", kVersion},
                                   {"research_notice", kResearchNotice}};
    writeJsonFile(options.output / kImportRecordFile, record, 2);
    return result;
}

} // namespace neurodx
