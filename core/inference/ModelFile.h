#pragma once

#include "Classifier.h"
#include "ModelRegistry.h"
#include "imaging/ModelInput.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace neurodx {

inline constexpr const char* kModelFileFormat = "neurodx-model";
inline constexpr int kModelFileVersion = 1;

// A trained model and what it needs to be used correctly: one file that Python reads with
// torch.load() as {"format", "version", "metadata" (a JSON string), "state_dict"}.
struct ModelBundle {
    std::shared_ptr<Classifier> model;
    ModelSpec spec;
    std::vector<std::string> classNames;
    PreprocessConfig input;
    nlohmann::json metadata; // everything else: training config, metrics, dataset fingerprint...
};

// The metadata block written into a model file: architecture, classes, input, preprocessing,
// creation time, app version, plus `extra` (training, metrics...) merged in.
nlohmann::json modelMetadata(const ModelSpec& spec, const std::vector<std::string>& classNames,
                             const PreprocessConfig& input, const nlohmann::json& extra);

// Writes to "<file>.part" and renames, so a crash or full disk never leaves half a model and the
// previous file survives a failed write. Throws NeuroDxError(Io) naming the file.
void saveModelFile(const std::filesystem::path& file, const Classifier& model, const nlohmann::json& metadata);

// A model given as a folder means the run's best.pt: the path itself when it is a file, `folder/best.pt`
// when the folder holds one. Throws NeuroDxError naming the folder otherwise (a run that ended before
// its first checkpoint, or a folder that is not a run).
std::filesystem::path resolveModelPath(const std::filesystem::path& path);

// Reads, checks and builds the model (a run folder: its best.pt, see resolveModelPath). Throws NeuroDxError naming the file and saying what is wrong:
// not a NeuroDx model file, written by a newer version, unknown architecture, a tensor missing or of
// the wrong shape, damaged or truncated.
ModelBundle loadModelFile(const std::filesystem::path& file);

// Which tensors of a weight file were used. Importing never fails on a partial match: the report
// says what was taken, and the rest keeps its initial values.
struct WeightImportReport {
    std::vector<std::string> matched;
    std::vector<std::string> missingInFile;      // model tensors the file does not have
    std::vector<std::string> unexpectedInFile;   // file tensors the model does not have
    std::vector<std::string> shapeMismatches;    // "name: file [..] vs model [..]"
    std::string summary() const;
};

// Imports weights by name from a NeuroDx model file, a TorchScript archive
// (torch.jit.save(torch.jit.script(module))) or a pickled state dict that LibTorch can read.
// Throws NeuroDxError when the file is none of these.
WeightImportReport importWeights(Classifier& model, const std::filesystem::path& file);

} // namespace neurodx
