#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace neurodx {

// A random source that gives the same sequence on every platform and standard library.
// std::shuffle and std::uniform_*_distribution are implementation-defined, so splits and
// synthetic data built on them would differ between libstdc++, libc++ and MSVC.
// The generator is SplitMix64 (Steele, Lea & Flood 2014), which passes BigCrush.
class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t nextU64()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(nextU64() >> 11) * 0x1.0p-53; }
    double uniform(double low, double high) { return low + (high - low) * uniform(); }

    // Uniform integer in [0, bound) without modulo bias (Lemire 2019 would be faster; this is clearer).
    std::uint64_t below(std::uint64_t bound)
    {
        const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
        std::uint64_t value;
        do {
            value = nextU64();
        } while (value >= limit);
        return value % bound;
    }

    // Standard normal by Box-Muller; uses two uniforms per call so sequences stay simple to reason about.
    double normal();

    // Fisher-Yates, Durstenfeld's variant.
    template <typename T>
    void shuffle(std::vector<T>& items)
    {
        for (std::size_t i = items.size(); i > 1; --i)
            std::swap(items[i - 1], items[below(i)]);
    }

    // A seed for an independent stream, derived from this seed and a label (class index, subject...).
    static std::uint64_t derive(std::uint64_t seed, std::uint64_t label)
    {
        SeededRandom mix(seed ^ (label * 0xD1B54A32D192ED03ull));
        return mix.nextU64();
    }

private:
    std::uint64_t m_state;
};

} // namespace neurodx
