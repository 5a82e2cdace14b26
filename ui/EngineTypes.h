#pragma once

// Engine results as they travel in queued signals and QVariants: shared and immutable, so a
// report of thousands of slices is never copied between threads.
#include "evaluation/EvaluatedSlices.h"
#include "evaluation/RunFolder.h"
#include "tuning/ModelSelection.h"
#include "tuning/Tuner.h"

#include <QMetaType>

#include <memory>

namespace neurodx::ui {
using SharedRunRecord = std::shared_ptr<const RunRecord>;
using SharedEvaluation = std::shared_ptr<const EvaluatedSlices>;
using SharedAudit = std::shared_ptr<const LeakageAuditResult>;
} // namespace neurodx::ui

Q_DECLARE_METATYPE(neurodx::ui::SharedRunRecord)
Q_DECLARE_METATYPE(neurodx::ui::SharedEvaluation)
Q_DECLARE_METATYPE(neurodx::ui::SharedAudit)
Q_DECLARE_METATYPE(neurodx::TrialRecord)
