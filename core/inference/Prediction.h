#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace neurodx {

struct Prediction {
    std::string file;
    std::vector<double> probabilities; // one per class, in the model's class order
    int predicted = -1;
    double confidence = 0;             // the predicted class's probability
    std::string error;                 // set when the file could not be read; probabilities empty
};

nlohmann::json toJson(const Prediction& prediction, const std::vector<std::string>& classNames);

// file,predicted,confidence,p_<class>...; errors in an "error" column.
std::string predictionsCsv(const std::vector<Prediction>& predictions, const std::vector<std::string>& classNames);

} // namespace neurodx
