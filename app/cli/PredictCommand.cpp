#include "Commands.h"

#include "CliArguments.h"
#include "TextTable.h"

#include "common/TextUtil.h"
#include "common/JsonFile.h"
#include "common/AtomicFile.h"
#include "common/ComputeSetup.h"
#include "common/NeuroDxError.h"
#include "dataset/ImageFiles.h"
#include "inference/InputWarnings.h"
#include "inference/Predictor.h"
#include "inference/ScanPrediction.h"
#include "volume/NiftiReader.h"
#include "volume/ScanFinder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

// What the arguments name: 2D slices (files, and images found in folders) and 3D scans (NIfTI
// files, DICOM series found in folders). Missing files stay in `slices` to get their error there.
struct PredictInputs {
    std::vector<fs::path> slices;
    std::vector<ScanSource> scans;
};

PredictInputs inputsFrom(const std::vector<std::string>& arguments)
{
    PredictInputs inputs;
    for (const std::string& argument : arguments) {
        const fs::path path(argument);
        if (!fs::is_directory(path)) {
            if (isNiftiFile(path) && fs::exists(path))
                inputs.scans.push_back({ScanSource::Kind::Nifti, path, {}, {}, {}});
            else
                inputs.slices.push_back(path);
            continue;
        }
        ScanSearch search = findScans(path);
        if (search.scans.empty()) {
            const std::vector<fs::path> found = imageFilesIn(path); // as before scans existed: every image by content
            inputs.slices.insert(inputs.slices.end(), found.begin(), found.end());
            continue;
        }
        inputs.scans.insert(inputs.scans.end(), search.scans.begin(), search.scans.end());
        inputs.slices.insert(inputs.slices.end(), search.images.begin(), search.images.end());
    }
    return inputs;
}

std::string percent(double v)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%", v * 100.0);
    return text;
}

struct ScanResult {
    std::string name; // the NIfTI file or the series' folder
    ScanPrediction prediction;
    std::string error;
};

std::string scanName(const ScanSource& scan)
{
    return scan.kind == ScanSource::Kind::Nifti ? scan.path.string() : scan.path.string() + (scan.series.seriesDescription.empty() ? "" : " (" + scan.series.seriesDescription + ")");
}

std::string scansTable(const std::vector<ScanResult>& scans, const std::vector<std::string>& classes, bool perSlice)
{
    std::vector<std::string> header{"scan", "verdict", "confidence", "95% interval", "agreement", "slices"};
    for (const std::string& c : classes)
        header.push_back("p(" + c + ")");
    TextTable table(header);
    std::string notes;
    for (const ScanResult& s : scans) {
        if (!s.error.empty()) {
            notes += "error: " + s.name + ": " + s.error + "\n";
            continue;
        }
        const ScanPrediction& p = s.prediction;
        std::vector<std::string> row{s.name, classes.at(static_cast<std::size_t>(p.predicted)), percent(p.confidence),
                                     percent(p.confidenceLow) + " - " + percent(p.confidenceHigh), percent(p.agreement), std::to_string(p.slices.size())};
        for (double v : p.probabilities)
            row.push_back(percent(v));
        table.addRow(row);
        for (const std::string& w : p.warnings)
            notes += "warning: " + s.name + ": " + w + "\n";
    }
    std::string text = table.render();
    if (!scans.empty() && scans.front().error.empty())
        text += "Verdict: the mean of the slices' probabilities (" + scans.front().prediction.selection.describe() +
                "); interval: bootstrap over the slices\n";
    text += notes;
    if (perSlice)
        for (const ScanResult& s : scans) {
            if (!s.error.empty())
                continue;
            std::vector<std::string> sliceHeader{"slice", "position", "prediction"};
            for (const std::string& c : classes)
                sliceHeader.push_back("p(" + c + ")");
            TextTable slices(sliceHeader);
            for (const ScanSliceProbabilities& slice : s.prediction.slices) {
                char position[32];
                std::snprintf(position, sizeof position, "%.1f mm", slice.positionMm);
                std::vector<std::string> row{std::to_string(slice.index), position, classes.at(static_cast<std::size_t>(slice.predicted))};
                for (double v : slice.probabilities)
                    row.push_back(percent(v));
                slices.addRow(row);
            }
            text += "\n" + s.name + "\n" + slices.render();
        }
    return text;
}

std::string scansCsv(const std::vector<ScanResult>& scans, const std::vector<std::string>& classes, bool perSlice)
{
    std::string csv = perSlice ? "scan,slice_index,position_mm,predicted" : "scan,predicted,confidence,agreement,slices_used";
    for (const std::string& c : classes)
        csv += ",p_" + c;
    csv += perSlice ? "\n" : ",confidence_low,confidence_high,calibrated,unlike_training_slices,warnings,error\n";
    for (const ScanResult& s : scans) {
        if (perSlice) {
            for (const ScanSliceProbabilities& slice : s.prediction.slices) {
                csv += csvField(s.name) + "," + std::to_string(slice.index) + "," + std::to_string(slice.positionMm) + "," +
                       classes.at(static_cast<std::size_t>(slice.predicted));
                for (double v : slice.probabilities)
                    csv += "," + std::to_string(v);
                csv += "\n";
            }
            continue;
        }
        const ScanPrediction& p = s.prediction;
        csv += csvField(s.name) + "," + (s.error.empty() ? classes.at(static_cast<std::size_t>(p.predicted)) + "," + std::to_string(p.confidence) + "," +
                                                             std::to_string(p.agreement) + "," + std::to_string(p.slices.size())
                                                       : std::string(",,,"));
        for (std::size_t c = 0; c < classes.size(); ++c)
            csv += "," + (s.error.empty() ? std::to_string(p.probabilities[c]) : std::string());
        csv += s.error.empty() ? "," + std::to_string(p.confidenceLow) + "," + std::to_string(p.confidenceHigh) + "," + (p.calibrated ? "yes" : "no") +
                                     "," + std::to_string(p.unlikeTrainingSlices)
                               : std::string(",,,,");
        std::string warnings;
        for (const std::string& w : p.warnings)
            warnings += (warnings.empty() ? "" : "; ") + w;
        csv += "," + csvField(warnings) + "," + csvField(s.error) + "\n";
    }
    return csv;
}

std::string slicesTable(const std::vector<Prediction>& predictions, const std::vector<std::string>& classes)
{
    std::vector<std::string> header{"file", "prediction", "confidence"};
    for (const std::string& c : classes)
        header.push_back("p(" + c + ")");
    header.push_back("note");
    TextTable table(header);
    // Errors and warnings are listed under the table, so one unreadable file does not widen every row.
    std::string notes;
    for (const Prediction& p : predictions) {
        std::vector<std::string> row{p.file};
        if (!p.error.empty()) {
            row.resize(header.size() - 1);
            row.push_back("unreadable, see below");
            notes += "error: " + validUtf8(p.error) + "\n";
        } else {
            row.push_back(classes.at(static_cast<std::size_t>(p.predicted)));
            row.push_back(percent(p.confidence));
            for (double v : p.probabilities)
                row.push_back(percent(v));
            const std::size_t others = p.warnings.size() - (p.unlikeTraining ? 1 : 0);
            std::string note = p.unlikeTraining ? "UNLIKE TRAINING DATA" : "";
            if (others > 0)
                note += (note.empty() ? "" : ", ") + std::to_string(others) + (others == 1 ? " warning" : " warnings");
            row.push_back(note);
            for (const std::string& warning : p.warnings)
                notes += "warning: " + validUtf8(p.file) + ": " + warning + "\n";
        }
        table.addRow(row);
    }
    return table.render() + notes;
}

// What the probabilities are and whether images were checked against the training data.
std::string modelNotes(const Predictor& predictor)
{
    std::string warnings;
    for (const std::string& w : modelWarnings(predictor.bundle().metadata, predictor.classNames().size()))
        warnings += "warning: " + w + "\n";
    std::string text = "Probabilities: " + (predictor.isCalibrated() ? predictor.calibration().describe()
                                                                    : predictor.calibration().isCalibrated() ? std::string("raw softmax (--no-calibration)")
                                                                                                             : predictor.calibration().describe()) + "\n";
    if (predictor.hasFeatureDensity()) {
        const FeatureDensity& density = predictor.featureDensity();
        text += "Each image is checked against the training data (flagged above the " + std::to_string(static_cast<int>(density.percentile)) +
                "th percentile of " + std::to_string(density.thresholdSlices) + (density.thresholdFromValidation ? " validation" : " training") +
                " slices' scores)\n";
        if (!density.thresholdFromValidation)
            text += "warning: the model had no validation part; its threshold comes from the training slices and flags too many images\n";
    }
    else
        text += "This model file cannot tell whether an image is unlike its training data (it was written before NeuroDx stored that)\n";
    return warnings + text;
}

int runPredict(const CliArguments& args)
{
    const std::string format = args.flag("json") ? "json" : args.text("format");
    std::optional<SliceSelection> selection;
    try {
        if (args.value("slices") || args.value("plane")) {
            const SlicePlane plane = slicePlaneFromName(args.text("plane"));
            selection = args.value("slices") ? SliceSelection::parse(plane, *args.value("slices")) : SliceSelection{};
            selection->plane = plane;
        }
    } catch (const NeuroDxError& e) {
        throw UsageError{e.what()};
    }
    setComputeThreads(static_cast<int>(args.integer("threads")));

    Predictor predictor = Predictor::fromFile(args.positional()[0], inferencePrecisionFromName(args.text("precision")));
    predictor.setCalibrated(!args.flag("no-calibration"));
    const PredictInputs inputs = inputsFrom({args.positional().begin() + 1, args.positional().end()});
    if (inputs.slices.empty() && inputs.scans.empty())
        throw NeuroDxError(ErrorKind::InvalidArgument, "no image files or scans found in the given folders");
    if (format == "csv" && !inputs.slices.empty() && !inputs.scans.empty())
        throw UsageError{"CSV output holds either slices or scans; the inputs have both: predict them separately, or use --format json"};

    const std::vector<Prediction> predictions = inputs.slices.empty() ? std::vector<Prediction>{} : predictor.predictFiles(inputs.slices);
    std::vector<ScanResult> scans;
    for (const ScanSource& source : inputs.scans) {
        ScanResult result;
        result.name = scanName(source);
        try {
            result.prediction = predictScan(predictor, loadScan(source), selection);
        } catch (const NeuroDxError& e) {
            if (e.kind() == ErrorKind::Io)
                throw;
            result.error = e.what();
        }
        scans.push_back(std::move(result));
    }
    const auto& classes = predictor.classNames();

    std::string text;
    if (format == "csv") {
        for (const std::string& w : modelWarnings(predictor.bundle().metadata, classes.size()))
            std::cerr << "warning: " << w << "\n"; // stdout holds the CSV
        text = scans.empty() ? predictionsCsv(predictions, classes) : scansCsv(scans, classes, args.flag("per-slice"));
    } else if (format == "json") {
        nlohmann::json list = nlohmann::json::array();
        for (const Prediction& p : predictions)
            list.push_back(toJson(p, classes));
        nlohmann::json out{{"model", args.positional()[0]},
                           {"class_names", classes},
                           {"calibration", {{"calibrated", predictor.isCalibrated()},
                                            {"temperature", predictor.temperature()},
                                            {"validation_slices", predictor.calibration().validationSlices}}},
                           {"outlier_check", predictor.hasFeatureDensity()},
                           {"model_warnings", modelWarnings(predictor.bundle().metadata, classes.size())},
                           {"predictions", list}};
        if (!scans.empty()) {
            nlohmann::json scanList = nlohmann::json::array();
            for (const ScanResult& s : scans) {
                nlohmann::json j = s.error.empty() ? toJson(s.prediction, args.flag("per-slice")) : nlohmann::json{{"error", s.error}};
                j["scan"] = s.name;
                scanList.push_back(j);
            }
            out["scans"] = scanList;
        }
        text = jsonText(out, 2) + "\n";
    } else {
        if (!scans.empty())
            text += scansTable(scans, classes, args.flag("per-slice"));
        if (!predictions.empty())
            text += (text.empty() ? "" : "\n") + slicesTable(predictions, classes);
        text += "\n" + modelNotes(predictor) + "Research use only - not a medical device.\n";
    }
    if (const auto output = args.value("output"))
        writeFileAtomically(*output, text);
    else
        std::cout << text;

    bool anyFailed = false;
    for (const Prediction& p : predictions)
        if (!p.error.empty()) {
            std::cerr << "neurodx-cli predict: " << validUtf8(p.error) << "\n";
            anyFailed = true;
        }
    for (const ScanResult& s : scans)
        if (!s.error.empty()) {
            std::cerr << "neurodx-cli predict: " << validUtf8(s.name + ": " + s.error) << "\n";
            anyFailed = true;
        }
    return anyFailed ? 1 : 0;
}

} // namespace

CommandSpec predictCommand()
{
    CommandSpec c;
    c.name = "predict";
    c.summary = "Class probabilities per slice, and one verdict per scan.";
    c.notes = "A scan: a DICOM series' folder or a NIfTI file. Images unlike the model's training data are flagged\n"
              "(\"unlike_training\").\n";
    c.positionals = {{"MODEL", "the model file (best.pt, a run folder, or a Keras .h5)"},
                     {"FILE|DIR|SCAN...", "the images, folders of images, or scans to classify", 1, -1}};
    c.options = {choiceOption("format", "How the results are printed (--json: json)", "table", {"table", "csv", "json"}),
                 textOption("output", "FILE", "Write the results to this file instead of stdout"),
                 switchOption("per-slice", "For scans: every slice's probabilities too, not only the verdict"),
                 textOption("slices", "RULE", "Which slices of a scan: central:32, discard:N, range:A-B or all", "the model's own range"),
                 choiceOption("plane", "The plane a scan is cut in", "axial", {"axial", "coronal", "sagittal"}),
                 wholeOption("threads", "Compute threads (0: one per core)", 0, 0, 1024),
                 precisionOption(),
                 switchOption("no-calibration", "The raw softmax instead of the model's temperature-scaled probabilities")};
    c.computes = true;
    c.run = runPredict;
    return c;
}

} // namespace neurodx::cli
