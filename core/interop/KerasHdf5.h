#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// Reading the HDF5 files Keras writes, into plain data: no HDF5, LibTorch or Qt types in this header
// (HDF5 is linked privately to the engine).
namespace neurodx {

// One weight as Keras stored it: its name in the layer's `weight_names` attribute (Keras 2.x and
// tf.keras: "conv2d/kernel:0"; Keras 3: "conv2d/kernel"), its shape and its values as float32.
struct KerasWeight {
    std::string name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

// One group of the weights: a layer, or a nested model whose group holds all its layers' weights.
struct KerasWeightGroup {
    std::string name;
    std::vector<KerasWeight> weights;
};

// What NeuroDx takes from a Keras HDF5 file.
// - Whole-model files (model.save("x.h5"), ModelCheckpoint): root attributes `model_config` (JSON),
//   `keras_version`, `backend`, and the group `model_weights`.
// - Weight files (model.save_weights("x.h5"), keras.applications' downloads): `layer_names`,
//   `keras_version`, `backend` at the root, one group per layer.
// In both, each layer group lists its datasets in a `weight_names` attribute, and long lists are
// split into `layer_names0`, `layer_names1`... (Keras' save_attributes_to_hdf5_group).
struct KerasHdf5Content {
    std::filesystem::path file;
    bool wholeModel = false;          // model_weights + model_config
    std::string modelConfig;          // JSON text; empty for weight files
    std::string kerasVersion;         // "2.9.0"; empty when the file does not say (Keras 1)
    std::string backend;              // "tensorflow"...
    std::vector<std::string> classNames;      // a `class_names` attribute, when someone stored one
    std::vector<std::string> layerNames;      // `layer_names` in model order, with or without weights
    std::vector<KerasWeightGroup> groups;     // in layer_names order, only groups that hold weights
};

// True when the file starts with the HDF5 signature (\x89HDF\r\n\x1a\n), whatever its name.
bool isHdf5File(const std::filesystem::path& file);
// An HDF5 file, or a file named like a Keras model (.h5, .hdf5, .keras): what the Keras reader
// should answer for, so that a damaged best_model.h5 is reported as a Keras file, not as a
// NeuroDx one.
bool isKerasModelFile(const std::filesystem::path& file);

// Reads the attributes and every weight. Throws NeuroDxError naming the file: missing, not HDF5,
// damaged or truncated, or HDF5 without Keras' attributes. HDF5's own error printing is off: every
// problem reaches the caller as one sentence of ours. The HDF5 library reads in a child process
// (common/ChildProcess.h), because Debian's libhdf5 1.10.8 overflows a heap buffer on some damaged
// files: such a file ends the child and is reported as damaged; NeuroDx goes on.
KerasHdf5Content readKerasHdf5(const std::filesystem::path& file);

// The same, in this process: for the fuzz target, whose coverage feedback must come from the process
// that reads. A file that crashes libhdf5 crashes the caller.
KerasHdf5Content readKerasHdf5InThisProcess(const std::filesystem::path& file);

} // namespace neurodx
