#pragma once

namespace neurodx {

// keras-tuner's HyperbandOracle arithmetic (_get_num_brackets, _get_size, _get_epochs), so a
// NeuroDx search runs the same trials and epochs as the seed's. Brackets run from the most
// aggressive (many trials, few epochs) down to 0; bracket b has b + 1 rounds.
struct HyperbandSchedule {
    int maxEpochs = 10;
    int factor = 3;

    int brackets() const;                      // max_epochs /= factor until below 1
    int rounds(int bracket) const { return bracket + 1; }
    int trials(int bracket, int round) const;  // ceil(ceil(1 + log_f(max)) / (b + 1) * f^(b - r))
    int epochs(int bracket, int round) const;  // ceil(max / f^(b - r))
    int trialsPerIteration() const;            // every round's trials, promoted ones included
};

} // namespace neurodx
