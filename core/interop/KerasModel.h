#pragma once

#include "KerasHdf5.h"
#include "inference/ModelFile.h"

#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

// Keras models and weights (.h5) as NeuroDx models: the entry points of core/interop.
namespace neurodx {

struct KerasImportOptions {
    // The classes in output order. Empty: the file's `class_names` attribute if it has one, else the
    // seed's CN, MCI, AD for a 3-class model (with a notice).
    std::vector<std::string> classNames;
};

struct KerasImport {
    ModelBundle bundle;               // ready to predict, or to save with saveModelFile()
    std::vector<std::string> notices; // assumptions and left-out layers, in words
};

// Reads a Keras whole-model file (model.save / ModelCheckpoint .h5: Keras 2.x, tf.keras, Keras 3's
// legacy .h5) or a weight file (save_weights .h5) and builds the NeuroDx model it describes, with
// metadata saying where it came from ("imported_from": file name, keras_version, backend, layers,
// notices). Throws NeuroDxError naming the file: not HDF5, not Keras, damaged or truncated, a layer
// with no NeuroDx counterpart (listing the layers found), a backbone without a classifier head.
KerasImport importKerasModel(const std::filesystem::path& file, const KerasImportOptions& options = {});
// The same from a file's content already read (the fuzz target reads in its own process).
KerasImport importKerasModel(const KerasHdf5Content& content, const KerasImportOptions& options = {});

// For train --weights: the file's weights under NeuroDx's tensor names, for `model` to take by name.
// Partial files (keras.applications' ResNet50V2 notop weights: backbone only) are fine. The first
// convolution is adapted to the model's input channels when they differ between 1 and 3 (summed or
// spread over the channels: exact for grey slices, which NeuroDx replicates to 3 channels).
std::map<std::string, torch::Tensor> kerasWeightsFor(const std::filesystem::path& file, const Classifier& model);

} // namespace neurodx
