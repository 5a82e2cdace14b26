#pragma once

#include <ATen/autocast_mode.h>

namespace neurodx {

// LibTorch's CPU autocast to bfloat16 for one scope (what torch.autocast("cpu") does in Python):
// matrix products and convolutions run in bfloat16, weights and reductions stay float32. Worth it
// only where the CPU has AVX512-BF16 (cpuSupportsBf16()). Disabled, it does nothing.
class Bf16Autocast {
public:
    explicit Bf16Autocast(bool enabled) : m_enabled(enabled)
    {
        if (!m_enabled)
            return;
        at::autocast::set_cpu_enabled(true);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
        at::autocast::increment_nesting();
    }
    ~Bf16Autocast()
    {
        if (!m_enabled)
            return;
        if (at::autocast::decrement_nesting() == 0)
            at::autocast::clear_cache();
        at::autocast::set_cpu_enabled(false);
    }
    Bf16Autocast(const Bf16Autocast&) = delete;
    Bf16Autocast& operator=(const Bf16Autocast&) = delete;

private:
    bool m_enabled;
};

} // namespace neurodx
