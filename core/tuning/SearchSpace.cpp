#include "SearchSpace.h"

#include "common/NeuroDxError.h"
#include "common/SeededRandom.h"
#include "common/TextUtil.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace neurodx {

namespace {

const std::set<std::string>& applicableNames()
{
    static const std::set<std::string> names{"filters1", "filters2", "units", "learning_rate", "dropout"};
    return names;
}

double number(const std::string& text, const std::string& definition)
{
    try {
        std::size_t used = 0;
        const double value = std::stod(trim(text), &used);
        if (used == trim(text).size() && std::isfinite(value))
            return value;
    } catch (const std::exception&) {
    }
    throw NeuroDxError(ErrorKind::InvalidArgument, "search space '" + definition + "': '" + text + "' is not a number");
}

} // namespace

bool Hyperparameter::allIntegers() const
{
    return std::all_of(choices.begin(), choices.end(), [](double v) { return v == std::floor(v); });
}

SearchSpace SearchSpace::seedDefault()
{
    SearchSpace space;
    space.set(parseDefinition("filters1=16,32,64"));
    space.set(parseDefinition("filters2=16,32,64"));
    space.set(parseDefinition("units=64:512:64"));
    return space;
}

Hyperparameter SearchSpace::parseDefinition(const std::string& definition)
{
    const auto bad = [&](const std::string& why) {
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space '" + definition + "': " + why +
                                                           " (forms: name=a,b,c  name=min:max:step  name=min..max  name=min..max:log)");
    };
    const std::size_t eq = definition.find('=');
    if (eq == std::string::npos || eq == 0)
        bad("expected name=values");
    Hyperparameter hp;
    hp.name = trim(definition.substr(0, eq));
    const std::string values = trim(definition.substr(eq + 1));
    if (values.empty())
        bad("no values");
    if (const std::size_t dots = values.find(".."); dots != std::string::npos) {
        std::string upper = values.substr(dots + 2);
        hp.kind = Hyperparameter::Kind::Float;
        if (endsWith(upper, ":log")) {
            hp.kind = Hyperparameter::Kind::LogFloat;
            upper.resize(upper.size() - 4);
        }
        hp.min = number(values.substr(0, dots), definition);
        hp.max = number(upper, definition);
        if (!(hp.min < hp.max))
            bad("the minimum must be below the maximum");
        if (hp.kind == Hyperparameter::Kind::LogFloat && hp.min <= 0)
            bad("a log-uniform range must be positive");
    } else if (values.find(':') != std::string::npos) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (std::size_t colon = values.find(':'); ; colon = values.find(':', start)) {
            parts.push_back(values.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
            if (colon == std::string::npos)
                break;
            start = colon + 1;
        }
        if (parts.size() != 3)
            bad("an integer range is min:max:step");
        hp.kind = Hyperparameter::Kind::Int;
        hp.min = number(parts[0], definition);
        hp.max = number(parts[1], definition);
        hp.step = number(parts[2], definition);
        if (hp.min != std::floor(hp.min) || hp.max != std::floor(hp.max) || hp.step != std::floor(hp.step))
            bad("integer ranges take whole numbers");
        if (hp.step <= 0 || hp.min > hp.max)
            bad("the step must be positive and the minimum not above the maximum");
    } else {
        std::size_t start = 0;
        for (std::size_t comma = values.find(','); ; comma = values.find(',', start)) {
            hp.choices.push_back(number(values.substr(start, comma == std::string::npos ? std::string::npos : comma - start), definition));
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
        std::set<double> unique(hp.choices.begin(), hp.choices.end());
        if (unique.size() != hp.choices.size())
            bad("a value is listed twice");
    }
    return hp;
}

void SearchSpace::set(const Hyperparameter& hp)
{
    if (!applicableNames().count(hp.name))
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space: '" + hp.name +
                                                           "' is not a hyperparameter NeuroDx tunes (filters1, filters2, units, learning_rate, dropout)");
    const bool integerParameter = hp.name == "filters1" || hp.name == "filters2" || hp.name == "units";
    if (integerParameter && !hp.isInteger())
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space: '" + hp.name + "' takes whole numbers");
    const double low = hp.kind == Hyperparameter::Kind::Choice ? *std::min_element(hp.choices.begin(), hp.choices.end()) : hp.min;
    const double high = hp.kind == Hyperparameter::Kind::Choice ? *std::max_element(hp.choices.begin(), hp.choices.end()) : hp.max;
    if (integerParameter && low < 1)
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space: '" + hp.name + "' must be at least 1");
    if (hp.name == "learning_rate" && !(low > 0 && high < 10))
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space: learning_rate must lie above 0 and below 10");
    if (hp.name == "dropout" && !(low >= 0 && high < 1))
        throw NeuroDxError(ErrorKind::InvalidArgument, "search space: dropout must lie in [0, 1)");
    const auto it = std::find_if(m_parameters.begin(), m_parameters.end(), [&](const Hyperparameter& p) { return p.name == hp.name; });
    if (it != m_parameters.end())
        *it = hp;
    else
        m_parameters.push_back(hp);
}

HyperparameterValues SearchSpace::sample(SeededRandom& random) const
{
    HyperparameterValues values = nlohmann::json::object();
    for (const Hyperparameter& hp : m_parameters) {
        switch (hp.kind) {
        case Hyperparameter::Kind::Choice: {
            const double v = hp.choices[random.below(hp.choices.size())];
            values[hp.name] = hp.allIntegers() ? nlohmann::json(static_cast<long long>(v)) : nlohmann::json(v);
            break;
        }
        case Hyperparameter::Kind::Int: {
            const auto steps = static_cast<std::uint64_t>(std::floor((hp.max - hp.min) / hp.step)) + 1;
            values[hp.name] = static_cast<long long>(hp.min + hp.step * static_cast<double>(random.below(steps)));
            break;
        }
        case Hyperparameter::Kind::Float:
            values[hp.name] = random.uniform(hp.min, hp.max);
            break;
        case Hyperparameter::Kind::LogFloat:
            values[hp.name] = std::exp(random.uniform(std::log(hp.min), std::log(hp.max)));
            break;
        }
    }
    return values;
}

double SearchSpace::combinations() const
{
    double total = 1;
    for (const Hyperparameter& hp : m_parameters) {
        if (hp.kind == Hyperparameter::Kind::Choice)
            total *= static_cast<double>(hp.choices.size());
        else if (hp.kind == Hyperparameter::Kind::Int)
            total *= std::floor((hp.max - hp.min) / hp.step) + 1;
        else
            return 0;
    }
    return total;
}

void SearchSpace::setAll(const std::string& definitions)
{
    std::size_t start = 0;
    while (start <= definitions.size()) {
        const std::size_t end = definitions.find_first_of(";\n", start);
        const std::string definition = trim(definitions.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (!definition.empty())
            set(parseDefinition(definition));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
}

std::string SearchSpace::definitions() const
{
    const auto number = [](double v) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", v);
        return std::string(text);
    };
    std::string text;
    for (const Hyperparameter& hp : m_parameters) {
        text += hp.name + "=";
        switch (hp.kind) {
        case Hyperparameter::Kind::Choice:
            for (std::size_t i = 0; i < hp.choices.size(); ++i)
                text += (i ? "," : "") + number(hp.choices[i]);
            break;
        case Hyperparameter::Kind::Int:
            text += number(hp.min) + ":" + number(hp.max) + ":" + number(hp.step);
            break;
        case Hyperparameter::Kind::Float:
            text += number(hp.min) + ".." + number(hp.max);
            break;
        case Hyperparameter::Kind::LogFloat:
            text += number(hp.min) + ".." + number(hp.max) + ":log";
            break;
        }
        text += "\n";
    }
    return text;
}

nlohmann::json SearchSpace::toJson() const
{
    nlohmann::json list = nlohmann::json::array();
    for (const Hyperparameter& hp : m_parameters) {
        static const char* kinds[] = {"choice", "int", "float", "log_float"};
        nlohmann::json item = {{"name", hp.name}, {"kind", kinds[static_cast<int>(hp.kind)]}};
        if (hp.kind == Hyperparameter::Kind::Choice)
            item["values"] = hp.choices;
        else
            item.update({{"min", hp.min}, {"max", hp.max}, {"step", hp.step}});
        list.push_back(item);
    }
    return list;
}

} // namespace neurodx
