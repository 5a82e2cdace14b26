// neurodx-cli: NeuroDx on the command line. Research use only, not a medical device.
#include "CliArguments.h"
#include "Commands.h"

#include "common/JsonFile.h"
#include "common/BlasLibrary.h"
#include "common/ComputeSetup.h"
#include "common/LibraryVersions.h"
#include "common/NeuroDxError.h"
#include "common/TextUtil.h"
#include "common/Version.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "Usage: neurodx-cli COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  scan DIR     count images and subjects per class in a dataset folder (CN/MCI/AD subfolders)\n"
    "               [--classes CN,MCI,AD] [--metadata ADNI.csv] [--entries] [--no-dicom-headers]\n"
    "  split DIR    split train/validation/test by subject (or --mode slice), stratified by class\n"
    "               [--ratios 0.8,0.1,0.1] [--seed 42] [--output split.json] [--classes ...] [--metadata ...]\n"
    "  info FILE|SCAN  read one DICOM, PNG, JPEG, BMP or TIFF image and print its metadata [--frame N];\n"
    "               a NIfTI file or a DICOM series folder: the volume, its orientation and slices\n"
    "  synth DIR    write the synthetic ADNI-like phantom dataset\n"
    "               [--subjects-per-class 24] [--slices 10] [--size 128] [--difficulty 0.5] [--seed 42]\n"
    "               [--format png|dicom|mixed]\n"
    "               --scans: 3D MPRAGE scans laid out as an ADNI IDA download, with its collection CSV\n"
    "               [--subjects-per-class 2] [--visits 2] [--size 64] [--slices 60] [--seed 42] [--nifti-fraction 0]\n"
    "               [--smc-subjects 1] [--axial-fraction 0] [--oblique-fraction 0]\n"
    "  import SRC OUT  turn 3D scans (DICOM series, NIfTI) into a dataset of 2D slices in class folders\n"
    "               [--metadata IDA.csv] [--plane axial|coronal|sagittal] [--slices central:32|discard:N|range:A-B|all]\n"
    "               [--baseline-only] [--dry-run]  (run again with the same options to resume)\n"
    "  import-model FILE.h5  a Keras model (.h5: the seed's CNNs, a ResNet50V2 transfer model) as a NeuroDx\n"
    "               model file [--output model.pt] [--classes CN,MCI,AD]; predict and evaluate also take .h5\n"
    "  train DIR    train a model; writes a run folder (config, split, history, best.pt, last.pt, metrics)\n"
    "               [--model vanilla|tuned|cnn|resnet50v2] [--epochs 10] [--batch-size 32] [--learning-rate 0.001]\n"
    "               [--patience 5] [--no-early-stopping] [--split-mode subject|slice] [--ratios 0.8,0.1,0.1]\n"
    "               [--seed 42] [--threads N] [--image-size 256] [--channels 1|3] [--no-augment]\n"
    "               [--class-weights none|balanced] [--reduce-lr] [--weights FILE] [--freeze-backbone] [--bf16]\n"
    "               [--filters1 32 --filters2 64 --units 64 --dropout 0] [--hyperparameters best.json]\n"
    "               [--output RUN] [--resume] [--split-file F]\n"
    "  evaluate MODEL DIR|RUN   metrics of a model file on a dataset (whole) or a run's test part\n"
    "               [--part test|validation|train|all] [--output DIR] [--bootstrap 1000] [--precision auto|fp32|bf16]\n"
    "  predict MODEL FILE|DIR|SCAN...  class probabilities per slice, and one verdict per scan (a DICOM series'\n"
    "               folder or a NIfTI file) [--format table|csv|json] [--output F] [--per-slice] [--slices RULE]\n"
    "               [--precision auto|fp32|bf16]  (auto: bfloat16 where the CPU has AVX512-BF16)\n"
    "  tune DIR     Hyperband (keras-tuner's schedule) or random search over filters/units/lr/dropout\n"
    "               [--strategy hyperband|random] [--max-epochs 10] [--factor 3] [--iterations 1]\n"
    "               [--max-trials 10] [--objective val_acc|val_loss] [--search \"units=64:512:64;dropout=0..0.5\"]\n"
    "               [--output tuning]  (run again with the same options to resume)\n"
    "  cv DIR       stratified group k-fold over subjects [--folds 5] [training options]\n"
    "  audit DIR    leakage audit: subject split vs slice split vs random labels per subject\n"
    "  demo         synthesise the demo dataset, train the default model, evaluate and predict\n"
    "               [--output DIR] [--epochs N]\n"
    "\n"
    "Every command takes --json for machine-readable output and --quiet to hide progress.\n"
    "Exit codes: 0 success, 1 failure, 2 bad usage or unreadable input.\n"
    "\n"
    "NeuroDx is research software, not a certified medical device.\n";

int exitCodeFor(neurodx::ErrorKind kind)
{
    using neurodx::ErrorKind;
    switch (kind) {
    case ErrorKind::InvalidArgument:
    case ErrorKind::UnreadableFile:
    case ErrorKind::UnsupportedFormat:
    case ErrorKind::CorruptFile:
        return 2;
    case ErrorKind::InvalidDataset:
    case ErrorKind::Io:
    case ErrorKind::Cancelled:
        return 1;
    }
    return 1;
}

bool wantsJson(const std::vector<std::string>& args)
{
    for (const std::string& a : args) {
        if (a == "--json")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace neurodx::cli;
    neurodx::configureMemoryAllocator();
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string command = all.front();
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    const neurodx::BlasLibrary blas = neurodx::loadedBlas();
    if (command == "--version" || command == "-v") {
        const neurodx::LibraryVersions v = neurodx::libraryVersions();
        std::cout << "neurodx-cli " << neurodx::kVersion << "\n"
                  << "LibTorch " << v.libtorch << ", OpenCV " << v.opencv << ", DCMTK " << v.dcmtk << "\n"
                  << "BLAS: " << blas.name << (blas.path.empty() ? "" : " (" + blas.path + ")") << "\n"
                  << "memory: " << neurodx::memoryAllocatorDescription() << "\n"
                  << neurodx::kResearchNotice << "\n";
        if (const std::string warning = neurodx::blasWarning(blas); !warning.empty())
            std::cerr << "neurodx-cli: warning: " << warning << "\n";
        return 0;
    }
    const std::vector<std::string> args(all.begin() + 1, all.end());
    const std::map<std::string, int (*)(const std::vector<std::string>&)> commands{
        {"scan", runScan},   {"split", runSplit},       {"info", runInfo},       {"synth", runSynth},
        {"import", runImport}, {"import-model", runImportModel}, {"demo", runDemo},   {"train", runTrain},       {"evaluate", runEvaluate}, {"predict", runPredict},
        {"tune", runTune},   {"cv", runCrossValidate},  {"audit", runAudit}};
    const auto it = commands.find(command);
    if (it == commands.end()) {
        std::cerr << "neurodx-cli: unknown command '" << command << "'\n\n" << kUsage;
        return 2;
    }
    for (const std::string& a : args) {
        if (a == "--help" || a == "-h") {
            std::cout << kUsage;
            return 0;
        }
    }

    const bool computes = command == "train" || command == "evaluate" || command == "predict" || command == "tune" ||
                          command == "cv" || command == "audit" || command == "demo";
    if (const std::string warning = neurodx::blasWarning(blas); computes && !warning.empty())
        std::cerr << "neurodx-cli: warning: " << warning << "\n";

    const auto fail = [&](const std::string& rawMessage, const char* kind, int code) {
        const std::string message = neurodx::validUtf8(rawMessage); // file names may hold any bytes
        std::cerr << "neurodx-cli " << command << ": " << message << "\n";
        if (wantsJson(args))
            std::cout << neurodx::jsonText(nlohmann::json{{"error", message}, {"kind", kind}}, 2) << "\n";
        return code;
    };
    try {
        return it->second(args);
    } catch (const UsageError& e) {
        std::cerr << "neurodx-cli " << command << ": " << neurodx::validUtf8(e.message) << "\n(see neurodx-cli --help)\n";
        return 2;
    } catch (const neurodx::NeuroDxError& e) {
        return fail(e.what(), neurodx::errorKindName(e.kind()), exitCodeFor(e.kind()));
    } catch (const std::exception& e) {
        return fail(e.what(), "internal error", 1);
    }
}
