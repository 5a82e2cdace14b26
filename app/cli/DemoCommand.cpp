#include "Commands.h"

#include "CliArguments.h"
#include "CommandContext.h"
#include "InterruptHandler.h"
#include "ProgressPrinter.h"
#include "RunSummary.h"
#include "SynthOptions.h"
#include "TextTable.h"
#include "TrainingOptions.h"

#include "common/JsonFile.h"
#include "common/Version.h"
#include "inference/Predictor.h"
#include "synthetic/PhantomGenerator.h"
#include "training/TrainingSettings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace neurodx::cli {

namespace {

fs::path defaultDemoFolder()
{
    return fs::temp_directory_path() / "neurodx-demo";
}

// The built-in demo: synthesise the phantom dataset, train the default model with a subject-level
// split, evaluate it on the held-out subjects, and predict fresh PNG and DICOM slices.
int runDemo(const CliArguments& args)
{
    const fs::path root = args.value("output", defaultDemoFolder().string());
    const bool quiet = args.flag("quiet") || args.flag("json");
    ProgressPrinter printer(ProgressPrinter::styleFor(quiet));

    PhantomOptions phantoms = phantomOptionsFrom(args);
    const fs::path dataset = root / "dataset";
    printer.stage("writing the synthetic phantom dataset to " + dataset.string());
    writeSyntheticWithProgress(dataset.string(), phantoms, quiet);

    TrainingJobConfig job;
    job.dataset = dataset;
    job.runFolder = root / "run";
    job.training = trainingConfigFrom(args, demoTrainingConfig());
    TrainingControl control;
    const InterruptHandler interrupt(control);
    const TrainingJobResult result = runTrainingJob(job, control,
                                                    {[&](const std::string& s) { printer.stage(s); }, [&](const TrainingEvent& e) { printer.event(e); },
                                                     [&](const DatasetIndex& index, const DatasetSplit& split) { printer.stage(splitSummaryText(index, split)); }});
    if (result.training.cancelled) {
        std::cerr << "demo cancelled; the run folder keeps the finished epochs: " << job.runFolder.string() << "\n";
        return 1;
    }

    // New subjects the model has never seen, as PNG and as DICOM.
    PhantomOptions fresh = phantoms;
    fresh.subjectsPerClass = 1;
    fresh.slicesPerSubject = 1;
    fresh.seed = phantoms.seed + 1000;
    fresh.format = PhantomOptions::Format::Mixed;
    fresh.writeMetadataCsv = false;
    const SyntheticDatasetSummary samples = writeSyntheticDataset(root / "new-subjects", fresh);
    std::vector<fs::path> files;
    for (const std::string& file : samples.files)
        files.push_back(root / "new-subjects" / file);
    Predictor predictor = Predictor::fromFile(job.runFolder / "best.pt");
    const std::vector<Prediction> predictions = predictor.predictFiles(files);

    if (args.flag("json")) {
        nlohmann::json j = runSummaryJson(result);
        nlohmann::json list = nlohmann::json::array();
        for (const Prediction& p : predictions)
            list.push_back(toJson(p, predictor.classNames()));
        j["predictions"] = list;
        std::cout << jsonText(j, 2) << "\n";
        return 0;
    }
    std::cout << "NeuroDx " << kVersion << " demo on synthetic phantoms (not patient data)\n" << runSummaryText(result);
    TextTable table({"new subject's slice", "true class", "prediction", "confidence"});
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        const Prediction& p = predictions[i];
        char confidence[16];
        std::snprintf(confidence, sizeof confidence, "%.1f%%", p.confidence * 100.0);
        table.addRow({fs::path(samples.files[i]).filename().string(), fs::path(samples.files[i]).begin()->string(),
                      p.error.empty() ? predictor.classNames().at(static_cast<std::size_t>(p.predicted)) : "error: " + p.error,
                      p.error.empty() ? confidence : ""});
    }
    std::cout << "\nPredictions for subjects outside the dataset:\n" << table.render();
    return 0;
}

} // namespace

CommandSpec demoCommand()
{
    CommandSpec c;
    c.name = "demo";
    c.summary = "Synthesise the demo dataset, train the default model, evaluate it and predict new subjects' slices.";
    c.options = {textOption("output", "DIR", "Where the dataset and the run go", defaultDemoFolder().string())};
    c.trainingOptions = trainingOptionSpecs(demoTrainingConfig());
    // The training options' --seed seeds the phantoms too (one seed makes the whole demo repeatable).
    for (const OptionSpec& option : phantomOptionSpecs())
        if (std::none_of(c.trainingOptions.begin(), c.trainingOptions.end(), [&](const OptionSpec& t) { return t.name == option.name; }))
            c.options.push_back(option);
    c.computes = true;
    c.run = runDemo;
    return c;
}

} // namespace neurodx::cli
