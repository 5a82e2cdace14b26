#pragma once

#include "dataset/DatasetIndex.h"
#include "evaluation/Evaluation.h"
#include "training/SliceCache.h"

#include <filesystem>
#include <string>
#include <vector>

namespace neurodx {

// An evaluation together with the slices it judged, so a viewer can list and open the
// misclassified ones: files[i] and subjects[i] belong to report.labels[i] / probabilities[i].
struct EvaluatedSlices {
    EvaluationReport report;
    std::vector<std::string> files;    // absolute paths
    std::vector<std::string> subjects; // empty where the subject is unknown
    std::string part;                  // "test", "validation", "train" or "all"
    std::string model;                 // the model file that produced the probabilities

    std::size_t size() const { return files.size(); }
    int predicted(std::size_t i) const;                  // argmax, first on ties
    std::vector<std::size_t> misclassified() const;      // indices, most confident mistakes first
};

EvaluatedSlices evaluatedSlices(const DatasetIndex& index, const SliceCache& cache, EvaluationReport report);

// predictions.csv of a run: path (relative to `datasetRoot`, '/' separated; absolute when it is empty),subject,true,predicted,
// confidence,p_<class>...
std::string predictionsCsv(const EvaluatedSlices& slices, const std::filesystem::path& datasetRoot);

} // namespace neurodx
