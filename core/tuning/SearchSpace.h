#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace neurodx {

class SeededRandom;

// One tunable hyperparameter, as keras-tuner defines them: Choice, Int (min..max step), Float
// (uniform or log-uniform).
struct Hyperparameter {
    enum class Kind { Choice, Int, Float, LogFloat };
    std::string name;
    Kind kind = Kind::Choice;
    std::vector<double> choices; // Choice
    double min = 0, max = 0, step = 1; // Int, Float, LogFloat
    bool isInteger() const { return kind == Kind::Int || (kind == Kind::Choice && allIntegers()); }
    bool allIntegers() const;
};

// Hyperparameter values of one trial: name -> number (JSON so trial files and CLI share it).
using HyperparameterValues = nlohmann::json;

// The search space. Names NeuroDx applies to training: filters1, filters2, units, learning_rate,
// dropout; any other name is rejected.
class SearchSpace {
public:
    // The seed's space: both convolutions' filters in {16, 32, 64}, hidden units 64..512 step 64.
    static SearchSpace seedDefault();

    // Parses definitions like "filters1=16,32,64", "units=64:512:64", "learning_rate=1e-4..1e-2:log",
    // "dropout=0..0.5". Throws NeuroDxError(InvalidArgument) quoting the bad definition.
    static Hyperparameter parseDefinition(const std::string& definition);
    // Replaces (or adds) a hyperparameter; throws for names NeuroDx cannot apply.
    void set(const Hyperparameter& hp);
    // Sets every definition in `definitions`, separated by ';' or new lines ("units=64:256:64;
    // learning_rate=1e-4..1e-2:log"); blank ones are ignored. Throws like parseDefinition.
    void setAll(const std::string& definitions);
    // The space as definitions that setAll() and the CLI's --search read back, one per line.
    std::string definitions() const;

    const std::vector<Hyperparameter>& parameters() const { return m_parameters; }
    HyperparameterValues sample(SeededRandom& random) const;
    // Number of distinct value combinations, or 0 when a float makes it unbounded.
    double combinations() const;
    nlohmann::json toJson() const;

private:
    std::vector<Hyperparameter> m_parameters;
};

} // namespace neurodx
