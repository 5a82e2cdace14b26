#pragma once

#include <string>
#include <vector>

namespace neurodx {

// What early stopping, learning-rate reduction, the checkpoint and a search watch: Keras' four
// epoch figures. Names ("val_loss", ...) exist only at the edges: config.json, the CLI, the GUI.
enum class MonitoredMetric { ValLoss, ValAccuracy, Loss, Accuracy };

// "val_loss", "val_acc", "loss", "acc" (Keras' names)
const char* metricName(MonitoredMetric metric);
// Throws NeuroDxError(InvalidArgument) naming the choices for any other name.
MonitoredMetric metricFromName(const std::string& name);
// Every metric's name, in the order the CLI and the GUI list them (val_loss first).
std::vector<std::string> metricNames();
// Losses improve downwards, accuracies upwards.
bool isLoss(MonitoredMetric metric);
// Needs a validation part.
bool isValidationMetric(MonitoredMetric metric);

} // namespace neurodx
