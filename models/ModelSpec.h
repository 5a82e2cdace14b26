#pragma once

#include <string>
#include <vector>

// Plain descriptions of NeuroDx's networks, free of LibTorch so that configuration code (and the
// GUI) can name models without compiling torch headers.
namespace neurodx {

// What the caller chooses besides the architecture.
struct ModelSpec {
    std::string architecture = "vanilla"; // a name from modelArchitectures()
    int inputChannels = 1;
    int imageSize = 256;
    int classes = 3;
    // "cnn" only; "vanilla" and "tuned" fix these.
    int filters1 = 32;
    int filters2 = 64;
    int hiddenUnits = 64;
    double dropout = 0.0; // CNNs: dropout after the hidden dense layer
    // "resnet50v2" only: train the head alone, as the seed's transfer model did.
    bool freezeBackbone = false;
};

struct ModelArchitecture {
    std::string name;
    std::string description;
};

// The architectures this build knows, so the CLI and GUI list them without knowing their classes.
std::vector<ModelArchitecture> modelArchitectures();

// The fixed sizes of the seed's CNN presets: vanilla 32/64/64, tuned 16/16/320. False for "cnn"
// (sizes chosen) and other architectures. The one definition the registry and the GUI form read.
struct CnnSizes {
    int filters1 = 0, filters2 = 0, hiddenUnits = 0;
};
bool cnnPresetSizes(const std::string& architecture, CnnSizes& sizes);

} // namespace neurodx
