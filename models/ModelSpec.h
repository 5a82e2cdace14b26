#pragma once

#include <string>
#include <vector>

// Plain descriptions of NeuroDx's networks, free of LibTorch so that configuration code (and the
// GUI) can name models without compiling torch headers.
namespace neurodx {

// NeuroDx's networks. Names ("vanilla", ...) exist only at the edges: config.json, model files,
// the CLI and the GUI.
enum class Architecture {
    Vanilla,    // the seed's CNN
    Tuned,      // the seed's Hyperband winner
    Cnn,        // the same CNN with chosen sizes
    ResNet50V2, // the transfer model
};
// "vanilla", "tuned", "cnn", "resnet50v2"
const char* architectureName(Architecture architecture);
// Throws std::invalid_argument naming the known architectures for any other name.
Architecture architectureFromName(const std::string& name);

// What the caller chooses besides the architecture.
struct ModelSpec {
    Architecture architecture = Architecture::Vanilla;
    int inputChannels = 1;
    int imageSize = 256;
    int classes = 3;
    // Cnn only; Vanilla and Tuned fix these.
    int filters1 = 32;
    int filters2 = 64;
    int hiddenUnits = 64;
    double dropout = 0.0; // CNNs: dropout after the hidden dense layer
    // ResNet50V2 only: train the head alone, as the seed's transfer model did.
    bool freezeBackbone = false;
};

struct ModelArchitecture {
    Architecture architecture;
    std::string name; // architectureName(architecture)
    std::string description;
};

// The architectures this build knows, so the CLI and GUI list them without knowing their classes.
std::vector<ModelArchitecture> modelArchitectures();

// The fixed sizes of the seed's CNN presets: vanilla 32/64/64, tuned 16/16/320. False for "cnn"
// (sizes chosen) and other architectures. The one definition the registry and the GUI form read.
struct CnnSizes {
    int filters1 = 0, filters2 = 0, hiddenUnits = 0;
};
bool cnnPresetSizes(Architecture architecture, CnnSizes& sizes);

} // namespace neurodx
