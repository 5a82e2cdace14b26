#pragma once

#include "dataset/DatasetIndex.h"
#include "dataset/Split.h"

#include <cstdint>
#include <vector>

namespace neurodx {

// Stratified group k-fold: every subject (or subject-less image) in exactly one fold; per class, the
// groups are shuffled with SeededRandom and each goes to the fold with the fewest images of that
// class so far, so folds are balanced by class. Returns entry indices per fold.
// Throws NeuroDxError(InvalidArgument) for k < 2 and (InvalidDataset) when there are fewer groups than folds.
std::vector<std::vector<std::size_t>> groupedFolds(const DatasetIndex& index, int k, std::uint64_t seed);

// Cross-validation split number `fold`: test = that fold, validation = the next fold, training =
// the rest. The report proves no subject is shared.
DatasetSplit foldSplit(const DatasetIndex& index, const std::vector<std::vector<std::size_t>>& folds, int fold);

} // namespace neurodx
