#include "HyperbandSchedule.h"

#include <cmath>

namespace neurodx {

int HyperbandSchedule::brackets() const
{
    double epochs = maxEpochs;
    int count = 0;
    while (epochs >= 1.0) {
        epochs /= factor;
        ++count;
    }
    return count;
}

int HyperbandSchedule::trials(int bracket, int round) const
{
    const double bracket0EndSize = std::ceil(1.0 + std::log(static_cast<double>(maxEpochs)) / std::log(static_cast<double>(factor)));
    const double bracketEndSize = bracket0EndSize / (bracket + 1);
    return static_cast<int>(std::ceil(bracketEndSize * std::pow(factor, bracket - round)));
}

int HyperbandSchedule::epochs(int bracket, int round) const
{
    return static_cast<int>(std::ceil(maxEpochs / std::pow(factor, bracket - round)));
}

int HyperbandSchedule::trialsPerIteration() const
{
    int total = 0;
    for (int b = brackets() - 1; b >= 0; --b)
        for (int r = 0; r < rounds(b); ++r)
            total += trials(b, r);
    return total;
}

} // namespace neurodx
