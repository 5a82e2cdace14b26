#pragma once

// The model and its answers as they travel in queued signals and QVariants: shared, so a worker
// and the page can hold the same classifier, and results are never copied between threads.
#include "inference/SliceClassifier.h"

#include <QMetaType>

#include <memory>

namespace neurodx::ui {
using SharedClassifier = std::shared_ptr<SliceClassifier>;
using SharedSlicePrediction = std::shared_ptr<const SlicePrediction>;
} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedClassifier)
Q_DECLARE_METATYPE(neurodx::ui::SharedSlicePrediction)
