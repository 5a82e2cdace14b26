#include "ModelSummary.h"

#include <algorithm>
#include <sstream>

namespace neurodx {

namespace {

std::string withThousands(std::int64_t value)
{
    std::string digits = std::to_string(value);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return digits;
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text;
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? " x " : "") + std::to_string(shape[i]);
    return text;
}

std::string padded(const std::string& text, std::size_t width, bool right = false)
{
    const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
    return right ? fill + text : text + fill;
}

} // namespace

std::string modelSummaryText(const ModelSummary& summary)
{
    std::vector<std::string> names{"Layer (type)"}, shapes{"Output shape"}, counts{"Param #"};
    for (const LayerSummary& layer : summary.layers) {
        names.push_back(layer.name + " (" + layer.type + ")");
        shapes.push_back(shapeText(layer.outputShape));
        std::string count = withThousands(layer.parameters);
        if (layer.parameters > 0 && layer.trainableParameters == 0)
            count += " (frozen)";
        counts.push_back(count);
    }
    const auto widest = [](const std::vector<std::string>& column) {
        std::size_t width = 0;
        for (const std::string& text : column)
            width = std::max(width, text.size());
        return width;
    };
    const std::size_t nameWidth = widest(names), shapeWidth = widest(shapes), countWidth = widest(counts);
    const std::string rule(nameWidth + shapeWidth + countWidth + 4, '-');

    std::ostringstream out;
    out << "Model: \"" << summary.architecture << "\", input " << shapeText(summary.inputShape) << " (channels x height x width)\n" << rule << "\n";
    for (std::size_t row = 0; row < names.size(); ++row) {
        out << padded(names[row], nameWidth) << "  " << padded(shapes[row], shapeWidth) << "  " << padded(counts[row], countWidth, true) << "\n";
        if (row == 0)
            out << rule << "\n";
    }
    out << rule << "\n"
        << "Total params: " << withThousands(summary.parameters) << "\n"
        << "Trainable params: " << withThousands(summary.trainableParameters) << "\n"
        << "Non-trainable params: " << withThousands(summary.parameters - summary.trainableParameters) << "\n";
    return out.str();
}

} // namespace neurodx
