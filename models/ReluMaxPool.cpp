#include "ReluMaxPool.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace neurodx {

namespace {

constexpr std::uint8_t kClipped = 4; // ReLU clipped the window's maximum: no gradient flows

// The kernels below are written without branches and with restrict pointers so that they compile to
// vector code: random activations make every comparison a coin toss, and these loops are memory-bound.

// One 2x2 window: as LibTorch's max_pool2d, the first maximum in row-major order wins and a NaN takes
// the window; then ReLU.
template <typename T>
inline void poolWindow(float tl, float tr, float bl, float br, T& out, std::uint8_t& code)
{
    float best = tl;
    std::int32_t winner = 0;
    const bool trWins = tr > best || tr != tr;
    best = trWins ? tr : best;
    winner = trWins ? 1 : winner;
    const bool blWins = bl > best || bl != bl;
    best = blWins ? bl : best;
    winner = blWins ? 2 : winner;
    const bool brWins = br > best || br != br;
    best = brWins ? br : best;
    winner = brWins ? 3 : winner;
    const bool clipped = best <= 0.0f; // false for NaN, which propagates like relu(NaN)
    out = static_cast<T>(clipped ? 0.0f : best);
    code = static_cast<std::uint8_t>(clipped ? kClipped : winner);
}

// One window's gradient: every input element belongs to exactly one window, so writing all four
// corners fills the input gradient without a separate zeroing pass.
template <typename T>
inline void unpoolWindow(float grad, std::uint8_t code, T& tl, T& tr, T& bl, T& br)
{
    const float k = code; // compared as float: same-width lanes let the loop vectorise
    tl = static_cast<T>(k == 0.0f ? grad : 0.0f);
    tr = static_cast<T>(k == 1.0f ? grad : 0.0f);
    bl = static_cast<T>(k == 2.0f ? grad : 0.0f);
    br = static_cast<T>(k == 3.0f ? grad : 0.0f);
}

// One output row: `top` and `bottom` are the two input rows it pools; `out` and `code` hold outW
// values (NCHW) or outW x channels values (channels-last).
template <bool ChannelsLast, typename T>
void poolRow(const T* __restrict top, const T* __restrict bottom, std::int64_t outW, std::int64_t channels,
             T* __restrict out, std::uint8_t* __restrict code)
{
    if constexpr (ChannelsLast) {
        for (std::int64_t ow = 0; ow < outW; ++ow) {
            const T* t = top + 2 * ow * channels;
            const T* b = bottom + 2 * ow * channels;
            T* o = out + ow * channels;
            std::uint8_t* k = code + ow * channels;
            for (std::int64_t c = 0; c < channels; ++c)
                poolWindow(float(t[c]), float(t[channels + c]), float(b[c]), float(b[channels + c]), o[c], k[c]);
        }
    } else {
        for (std::int64_t ow = 0; ow < outW; ++ow)
            poolWindow(float(top[2 * ow]), float(top[2 * ow + 1]), float(bottom[2 * ow]), float(bottom[2 * ow + 1]), out[ow], code[ow]);
    }
}

template <bool ChannelsLast, typename T>
void unpoolRow(T* __restrict top, T* __restrict bottom, std::int64_t outW, std::int64_t channels,
               const T* __restrict grad, const std::uint8_t* __restrict code)
{
    if constexpr (ChannelsLast) {
        for (std::int64_t ow = 0; ow < outW; ++ow) {
            T* t = top + 2 * ow * channels;
            T* b = bottom + 2 * ow * channels;
            const T* g = grad + ow * channels;
            const std::uint8_t* k = code + ow * channels;
            for (std::int64_t c = 0; c < channels; ++c)
                unpoolWindow(float(g[c]), k[c], t[c], t[channels + c], b[c], b[channels + c]);
        }
    } else {
        for (std::int64_t ow = 0; ow < outW; ++ow)
            unpoolWindow(float(grad[ow]), code[ow], top[2 * ow], top[2 * ow + 1], bottom[2 * ow], bottom[2 * ow + 1]);
    }
}

// Calls visit(top, bottom, outputOffset) for every output row of a 4-D input, in parallel. An output
// row is one pooled row of one plane (NCHW) or one pooled row of all channels (channels-last); its
// outputs and codes are contiguous in both layouts.
template <typename T, typename Visit>
void forEachRow(T* input, const torch::IntArrayRef sizes, bool channelsLast, Visit visit)
{
    const std::int64_t n = sizes[0], c = sizes[1], h = sizes[2], w = sizes[3];
    const std::int64_t outH = h / 2;
    const std::int64_t rows = channelsLast ? n * outH : n * c * outH;
    const std::int64_t rowLength = channelsLast ? w * c : w;
    const std::int64_t grain = std::max<std::int64_t>(1, 65536 / rowLength);
    at::parallel_for(0, rows, grain, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t row = begin; row < end; ++row) {
            const std::int64_t plane = row / outH, oh = row % outH;
            T* top = input + (plane * h + 2 * oh) * rowLength;
            visit(top, top + rowLength, row * rowLength / 2);
        }
    });
}

torch::MemoryFormat layoutOf(const torch::Tensor& t)
{
    // One channel: both layouts are the same memory, and the NCHW loop runs longer rows.
    if (t.is_contiguous() || !t.is_contiguous(torch::MemoryFormat::ChannelsLast))
        return torch::MemoryFormat::Contiguous;
    return torch::MemoryFormat::ChannelsLast;
}

// Returns the pooled output and the per-output winner codes.
std::pair<torch::Tensor, torch::Tensor> poolForward(const torch::Tensor& input)
{
    if (input.dim() != 4 || input.size(2) % 2 != 0 || input.size(3) % 2 != 0)
        throw std::invalid_argument("reluMaxPool2x2 needs an N x C x H x W tensor with even H and W");
    const torch::MemoryFormat format = layoutOf(input);
    const torch::Tensor x = input.contiguous(format);
    const std::vector<std::int64_t> outSizes{x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2};
    torch::Tensor out = torch::empty(outSizes, x.options().memory_format(format));
    torch::Tensor code = torch::empty(outSizes, x.options().dtype(torch::kUInt8).memory_format(format));
    const bool last = format == torch::MemoryFormat::ChannelsLast;
    const std::int64_t outW = x.size(3) / 2, channels = x.size(1);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, x.scalar_type(), "reluMaxPool2x2", [&] {
        scalar_t* o = out.data_ptr<scalar_t>();
        std::uint8_t* k = code.data_ptr<std::uint8_t>();
        forEachRow(static_cast<const scalar_t*>(x.data_ptr<scalar_t>()), x.sizes(), last,
                   [&](const scalar_t* top, const scalar_t* bottom, std::int64_t at) {
                       if (last)
                           poolRow<true>(top, bottom, outW, channels, o + at, k + at);
                       else
                           poolRow<false>(top, bottom, outW, channels, o + at, k + at);
                   });
    });
    return {out, code};
}

torch::Tensor poolBackward(const torch::Tensor& gradOutput, const torch::Tensor& code)
{
    const torch::MemoryFormat format = layoutOf(code);
    const torch::Tensor g = gradOutput.contiguous(format);
    torch::Tensor gradInput = torch::empty({code.size(0), code.size(1), code.size(2) * 2, code.size(3) * 2},
                                           g.options().memory_format(format));
    const bool last = format == torch::MemoryFormat::ChannelsLast;
    const std::int64_t outW = code.size(3), channels = code.size(1);
    AT_DISPATCH_FLOATING_TYPES_AND(at::kBFloat16, g.scalar_type(), "reluMaxPool2x2Backward", [&] {
        const scalar_t* go = g.data_ptr<scalar_t>();
        const std::uint8_t* k = code.data_ptr<std::uint8_t>();
        forEachRow(gradInput.data_ptr<scalar_t>(), gradInput.sizes(), last, [&](scalar_t* top, scalar_t* bottom, std::int64_t at) {
            if (last)
                unpoolRow<true>(top, bottom, outW, channels, go + at, k + at);
            else
                unpoolRow<false>(top, bottom, outW, channels, go + at, k + at);
        });
    });
    return gradInput;
}

struct ReluMaxPoolFunction : torch::autograd::Function<ReluMaxPoolFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input)
    {
        auto [out, code] = poolForward(input);
        ctx->save_for_backward({code});
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list gradOutputs)
    {
        return {poolBackward(gradOutputs[0], ctx->get_saved_variables()[0])};
    }
};

} // namespace

torch::Tensor reluMaxPool2x2(const torch::Tensor& input)
{
    if (torch::GradMode::is_enabled() && input.requires_grad())
        return ReluMaxPoolFunction::apply(input);
    return poolForward(input).first;
}

} // namespace neurodx
