#include "GroupKFold.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <algorithm>
#include <map>

namespace neurodx {

std::vector<std::vector<std::size_t>> groupedFolds(const DatasetIndex& index, int k, std::uint64_t seed)
{
    if (k < 2)
        throw NeuroDxError(ErrorKind::InvalidArgument, "cross-validation needs at least 2 folds");
    std::map<std::string, std::vector<std::size_t>> groups;
    for (std::size_t e = 0; e < index.entries.size(); ++e)
        groups[index.entries[e].groupKey()].push_back(e);
    if (groups.size() < static_cast<std::size_t>(k))
        throw NeuroDxError(ErrorKind::InvalidDataset, index.root,
                           std::to_string(groups.size()) + " subjects cannot fill " + std::to_string(k) + " folds");

    // Stratify by each group's most frequent class.
    std::vector<std::vector<std::vector<std::size_t>>> byClass(index.classNames.size());
    for (auto& [key, entries] : groups) {
        std::map<int, int> counts;
        for (std::size_t e : entries)
            ++counts[index.entries[e].label];
        const int label = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
        byClass[static_cast<std::size_t>(label)].push_back(entries);
    }
    std::vector<std::vector<std::size_t>> folds(static_cast<std::size_t>(k));
    for (std::size_t label = 0; label < byClass.size(); ++label) {
        SeededRandom random(SeededRandom::derive(seed, 0xF01D00ull + label));
        random.shuffle(byClass[label]);
        std::vector<std::size_t> classImages(static_cast<std::size_t>(k), 0);
        for (const auto& group : byClass[label]) {
            const auto fold = static_cast<std::size_t>(std::min_element(classImages.begin(), classImages.end()) - classImages.begin());
            classImages[fold] += group.size();
            folds[fold].insert(folds[fold].end(), group.begin(), group.end());
        }
    }
    for (auto& fold : folds)
        std::sort(fold.begin(), fold.end());
    return folds;
}

DatasetSplit foldSplit(const DatasetIndex& index, const std::vector<std::vector<std::size_t>>& folds, int fold)
{
    const int k = static_cast<int>(folds.size());
    DatasetSplit split;
    split.config.ratios = {double(k - 2) / k, 1.0 / k, 1.0 / k};
    for (int f = 0; f < k; ++f) {
        const std::size_t part = f == fold ? 2 : (f == (fold + 1) % k ? 1 : 0);
        split.parts[part].insert(split.parts[part].end(), folds[static_cast<std::size_t>(f)].begin(), folds[static_cast<std::size_t>(f)].end());
    }
    for (auto& part : split.parts)
        std::sort(part.begin(), part.end());
    split.report = splitReport(index, split.parts);
    return split;
}

} // namespace neurodx
