#include "SeededRandom.h"

#include <cmath>

namespace neurodx {

double SeededRandom::normal()
{
    constexpr double twoPi = 6.283185307179586476925;
    const double u1 = 1.0 - uniform(); // (0, 1]: log stays finite
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2);
}

} // namespace neurodx
