#include "Split.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

namespace neurodx {

const char* splitPartName(SplitPart part)
{
    switch (part) {
    case SplitPart::Train: return "train";
    case SplitPart::Validation: return "validation";
    case SplitPart::Test: return "test";
    }
    return "?";
}

const char* splitModeName(SplitMode mode)
{
    return mode == SplitMode::BySubject ? "subject" : "slice";
}

namespace {

void checkRatios(const std::array<double, kSplitParts>& ratios)
{
    double sum = 0;
    for (double r : ratios) {
        if (!(r >= 0.0) || r > 1.0)
            throw NeuroDxError(ErrorKind::InvalidArgument, "split ratios must lie between 0 and 1");
        sum += r;
    }
    if (std::abs(sum - 1.0) > 1e-6)
        throw NeuroDxError(ErrorKind::InvalidArgument, "split ratios must add up to 1 (they add up to " + std::to_string(sum) + ")");
    if (ratios[0] <= 0.0)
        throw NeuroDxError(ErrorKind::InvalidArgument, "the training part needs a ratio above 0");
}

struct Group {
    std::string key;
    std::vector<std::size_t> entries;
};

// A subject's class for stratification: its most frequent label (ties: the lower label).
int majorityLabel(const DatasetIndex& index, const std::vector<std::size_t>& entries)
{
    std::map<int, std::size_t> counts;
    for (std::size_t e : entries)
        ++counts[index.entries[e].label];
    int best = counts.begin()->first;
    for (const auto& [label, count] : counts) {
        if (count > counts[best])
            best = label;
    }
    return best;
}

} // namespace

SplitReport splitReport(const DatasetIndex& index, const std::array<std::vector<std::size_t>, kSplitParts>& parts)
{
    SplitReport report;
    const std::size_t classes = index.classNames.size();
    std::map<std::string, std::set<int>> partsBySubject;
    for (int p = 0; p < kSplitParts; ++p) {
        auto& perClass = report.counts[static_cast<std::size_t>(p)];
        perClass.assign(classes, {});
        std::vector<std::set<std::string>> groups(classes);
        std::set<std::string> allGroups;
        for (std::size_t e : parts[static_cast<std::size_t>(p)]) {
            const DatasetEntry& entry = index.entries.at(e);
            const auto label = static_cast<std::size_t>(entry.label);
            ++perClass[label].images;
            groups[label].insert(entry.groupKey());
            allGroups.insert(entry.groupKey());
            if (entry.hasSubject())
                partsBySubject[entry.subject].insert(p);
        }
        for (std::size_t c = 0; c < classes; ++c)
            perClass[c].subjects = groups[c].size();
        report.totals[static_cast<std::size_t>(p)] = {parts[static_cast<std::size_t>(p)].size(), allGroups.size()};
    }
    for (const auto& [subject, inParts] : partsBySubject) {
        if (inParts.size() > 1)
            report.sharedSubjects.push_back(subject);
    }
    return report;
}

DatasetSplit splitDataset(const DatasetIndex& index, const SplitConfig& config)
{
    checkRatios(config.ratios);
    if (index.entries.empty())
        throw NeuroDxError(ErrorKind::InvalidDataset, index.root, "the dataset has no images to split");

    // Groups in a fixed order (by key), so the result depends on the seed alone.
    std::map<std::string, std::vector<std::size_t>> byKey;
    for (std::size_t e = 0; e < index.entries.size(); ++e) {
        const DatasetEntry& entry = index.entries[e];
        byKey[config.mode == SplitMode::BySubject ? entry.groupKey() : "file:" + entry.path].push_back(e);
    }
    const std::size_t classes = index.classNames.size();
    std::vector<std::vector<Group>> groupsByClass(classes);
    for (auto& [key, entries] : byKey)
        groupsByClass[static_cast<std::size_t>(majorityLabel(index, entries))].push_back({key, std::move(entries)});

    DatasetSplit split;
    split.config = config;
    std::vector<std::string> warnings;
    const int nonEmptyParts = static_cast<int>(std::count_if(config.ratios.begin(), config.ratios.end(), [](double r) { return r > 0; }));
    const char* unit = config.mode == SplitMode::BySubject ? "subjects" : "images";

    for (std::size_t label = 0; label < classes; ++label) {
        std::vector<Group>& groups = groupsByClass[label];
        const std::string& className = index.classNames[label];
        if (groups.empty()) {
            warnings.push_back("class " + className + " has no images: it is absent from every part");
            continue;
        }
        if (static_cast<int>(groups.size()) < nonEmptyParts)
            warnings.push_back("class " + className + " has " + std::to_string(groups.size()) + " " + unit + " for " +
                               std::to_string(nonEmptyParts) + " parts: some parts get no " + className + " images");

        SeededRandom random(SeededRandom::derive(config.seed, label + 1));
        random.shuffle(groups);

        std::size_t classImages = 0;
        for (const Group& g : groups)
            classImages += g.entries.size();
        std::array<double, kSplitParts> assigned{};
        for (const Group& g : groups) {
            // The part furthest below its target, relative to the target, so small parts are not
            // starved by the large one; ties go to the earlier part (train first).
            int best = 0;
            double bestDeficit = -1e300;
            for (int p = 0; p < kSplitParts; ++p) {
                if (config.ratios[static_cast<std::size_t>(p)] <= 0)
                    continue;
                const double target = config.ratios[static_cast<std::size_t>(p)] * static_cast<double>(classImages);
                const double deficit = (target - assigned[static_cast<std::size_t>(p)]) / target;
                if (deficit > bestDeficit + 1e-9) {
                    bestDeficit = deficit;
                    best = p;
                }
            }
            assigned[static_cast<std::size_t>(best)] += static_cast<double>(g.entries.size());
            auto& part = split.parts[static_cast<std::size_t>(best)];
            part.insert(part.end(), g.entries.begin(), g.entries.end());
        }
    }
    for (auto& part : split.parts)
        std::sort(part.begin(), part.end());

    split.report = splitReport(index, split.parts);
    for (int p = 0; p < kSplitParts; ++p) {
        if (config.ratios[static_cast<std::size_t>(p)] > 0 && split.parts[static_cast<std::size_t>(p)].empty())
            throw NeuroDxError(ErrorKind::InvalidDataset, index.root,
                               std::string("the ") + splitPartName(static_cast<SplitPart>(p)) +
                                   " part would be empty: the dataset has too few " + unit + " for ratios " +
                                   std::to_string(config.ratios[0]) + "/" + std::to_string(config.ratios[1]) + "/" + std::to_string(config.ratios[2]));
    }
    if (config.mode == SplitMode::BySlice)
        warnings.push_back("slice-level split: " + std::to_string(split.report.sharedSubjects.size()) +
                           " subjects have slices in more than one part, so test accuracy is inflated by recognising people "
                           "(use the subject split for honest numbers)");
    const std::size_t withoutSubject = index.imagesWithoutSubject();
    if (config.mode == SplitMode::BySubject && withoutSubject > 0)
        warnings.push_back(std::to_string(withoutSubject) + " images have no subject id and were split one by one; "
                           "if several belong to one person, that person may sit in more than one part");
    split.report.warnings.insert(split.report.warnings.end(), warnings.begin(), warnings.end());
    return split;
}

} // namespace neurodx
