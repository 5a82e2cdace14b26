#include "CommandHelp.h"

#include "TrainingOptions.h"

#include <vector>

namespace neurodx::cli {

namespace {

struct CommandEntry {
    const char* name;
    const char* text; // the lines under "Commands:", indented as there
    bool trains;      // takes the training options
};

const std::vector<CommandEntry>& commands()
{
    static const std::vector<CommandEntry> entries{
        {"scan",
         "  scan DIR     count images and subjects per class in a dataset folder (CN/MCI/AD subfolders)\n"
         "               [--classes CN,MCI,AD] [--metadata ADNI.csv] [--entries] [--no-dicom-headers]\n",
         false},
        {"split",
         "  split DIR    split train/validation/test by subject (or --mode slice), stratified by class\n"
         "               [--ratios 0.8,0.1,0.1] [--seed 42] [--output split.json] [--classes ...] [--metadata ...]\n",
         false},
        {"info",
         "  info FILE|SCAN  read one DICOM, PNG, JPEG, BMP or TIFF image and print its metadata [--frame N];\n"
         "               a NIfTI file or a DICOM series folder: the volume, its orientation and slices\n",
         false},
        {"synth",
         "  synth DIR    write the synthetic ADNI-like phantom dataset\n"
         "               [--subjects-per-class 24] [--slices 10] [--size 128] [--difficulty 0.5] [--seed 42]\n"
         "               [--format png|dicom|mixed]\n"
         "               --scans: 3D MPRAGE scans laid out as an ADNI IDA download, with its collection CSV\n"
         "               [--subjects-per-class 2] [--visits 2] [--size 64] [--slices 60] [--seed 42] [--nifti-fraction 0]\n"
         "               [--smc-subjects 1] [--axial-fraction 0] [--oblique-fraction 0]\n",
         false},
        {"import",
         "  import SRC OUT  turn 3D scans (DICOM series, NIfTI) into a dataset of 2D slices in class folders\n"
         "               [--metadata IDA.csv] [--plane axial|coronal|sagittal] [--slices central:32|discard:N|range:A-B|all]\n"
         "               [--baseline-only] [--classes CN,MCI,AD] [--dry-run]  (run again with the same options to resume)\n",
         false},
        {"import-model",
         "  import-model FILE.h5  a Keras model (.h5: the seed's CNNs, a ResNet50V2 transfer model) as a NeuroDx\n"
         "               model file [--output model.pt] [--classes CN,MCI,AD]; predict and evaluate also take .h5\n",
         false},
        {"train",
         "  train DIR    train a model; writes a run folder (config, split, history, best.pt, last.pt, metrics)\n"
         "               [--output RUN] [--resume] [--weights FILE] [--split-file F] [--classes CN,MCI,AD] [--metadata ADNI.csv]\n"
         "               and the training options\n",
         true},
        {"evaluate",
         "  evaluate MODEL DIR|RUN   metrics of a model file on a dataset (whole) or a run's test part\n"
         "               [--part test|validation|train|all] [--output DIR] [--bootstrap 1000] [--precision auto|fp32|bf16]\n"
         "               [--no-calibration]  (the raw softmax instead of the model's temperature-scaled probabilities)\n",
         false},
        {"predict",
         "  predict MODEL FILE|DIR|SCAN...  class probabilities per slice, and one verdict per scan (a DICOM series'\n"
         "               folder or a NIfTI file) [--format table|csv|json] [--output F] [--per-slice] [--slices RULE]\n"
         "               [--plane axial|coronal|sagittal]\n"
         "               [--precision auto|fp32|bf16]  (auto: bfloat16 where the CPU has AVX512-BF16) [--no-calibration]\n"
         "               images unlike the model's training data are flagged (\"unlike_training\")\n",
         false},
        {"tune",
         "  tune DIR     Hyperband (keras-tuner's schedule) or random search over filters/units/lr/dropout\n"
         "               [--strategy hyperband|random] [--max-epochs 10] [--factor 3] [--iterations 1]\n"
         "               [--max-trials 10] [--objective val_acc|val_loss] [--search \"units=64:512:64;dropout=0..0.5\"]\n"
         "               [--output DIR]  (an existing search's folder resumes it) [--split-file F] [--classes ...] [--metadata ...]\n"
         "               and the training options\n",
         true},
        {"cv",
         "  cv DIR       stratified group k-fold over subjects [--folds 5] [--output DIR] [--classes ...] [--metadata ...]\n"
         "               and the training options\n",
         true},
        {"audit",
         "  audit DIR    leakage audit: subject split vs slice split vs random labels per subject\n"
         "               [--output DIR] [--classes ...] [--metadata ...]  and the training options\n",
         true},
        {"demo",
         "  demo         synthesise the demo dataset, train the default model, evaluate and predict\n"
         "               [--output DIR] [--subjects-per-class 24] [--slices 10] [--size 128] [--difficulty 0.5]\n"
         "               [--format png|dicom|mixed]  and the training options\n",
         true},
    };
    return entries;
}

const char* const kFooter =
    "Every command takes --json for machine-readable output and --quiet to hide progress.\n"
    "Given no output folder, train, tune, cv and audit write a new folder <time>-<kind> in the runs folder\n"
    "the GUI lists ($NEURODX_RUNS_DIR, else the per-user data folder); a run folder serves as its best.pt.\n"
    "Exit codes: 0 success, 1 failure, 2 bad usage or unreadable input.\n"
    "\n"
    "NeuroDx is research software, not a certified medical device.\n";

} // namespace

std::string usageText()
{
    std::string text = "Usage: neurodx-cli COMMAND [OPTIONS]   (neurodx-cli COMMAND --help: one command)\n\nCommands:\n";
    for (const CommandEntry& entry : commands())
        text += entry.text;
    text += "\nTraining options (train, tune, cv, audit, demo):\n";
    text += trainingOptionsHelp();
    return text + "\n" + kFooter;
}

std::string commandUsage(const std::string& command)
{
    for (const CommandEntry& entry : commands()) {
        if (command != entry.name)
            continue;
        std::string text = std::string("Usage: neurodx-cli ") + entry.name + " [OPTIONS]\n\n" + entry.text;
        if (entry.trains)
            text += "\nTraining options:\n" + trainingOptionsHelp();
        return text + "\n" + kFooter;
    }
    return {};
}

} // namespace neurodx::cli
