#pragma once

// A dataset and a training small enough for GUI tests: 36 phantom slices of 32x32 and a CNN of a
// few thousand weights, so a whole run takes seconds on two cores.
#include "synthetic/PhantomGenerator.h"
#include "training/TrainingConfig.h"

#include <filesystem>

namespace neurodx::test {

inline void writeTinyDataset(const std::filesystem::path& root, int subjectsPerClass = 4)
{
    PhantomOptions options;
    options.subjectsPerClass = subjectsPerClass;
    options.slicesPerSubject = 3;
    options.size = 32;
    options.difficulty = 0.2;
    writeSyntheticDataset(root, options);
}

inline TrainingConfig tinyTrainingConfig(int epochs)
{
    TrainingConfig config;
    config.model.architecture = neurodx::Architecture::Cnn;
    config.model.filters1 = 4;
    config.model.filters2 = 4;
    config.model.hiddenUnits = 8;
    config.input.size = 32;
    config.model.imageSize = 32;
    config.epochs = epochs;
    config.batchSize = 4;
    config.threads = 1; // leaves the other core to the GUI thread whose stalls the tests measure
    config.earlyStopping.enabled = false;
    config.split.ratios = {0.5, 0.25, 0.25};
    return config;
}

} // namespace neurodx::test
