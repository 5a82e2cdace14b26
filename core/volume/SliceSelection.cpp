#include "SliceSelection.h"

#include "common/NeuroDxError.h"
#include "common/TextUtil.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace neurodx {

namespace {

const char* ruleName(SliceSelection::Rule rule)
{
    switch (rule) {
    case SliceSelection::Rule::CentralHead: return "central";
    case SliceSelection::Rule::Discard: return "discard";
    case SliceSelection::Rule::Range: return "range";
    case SliceSelection::Rule::All: return "all";
    }
    return "central";
}

int parseCount(const std::string& text, const std::string& what, int minimum)
{
    try {
        std::size_t used = 0;
        const int value = std::stoi(text, &used);
        if (used == text.size() && value >= minimum && value <= 100000)
            return value;
    } catch (const std::exception&) {
    }
    throw NeuroDxError(ErrorKind::InvalidArgument, what + " must be a whole number of at least " + std::to_string(minimum) + ", not '" + text + "'");
}

} // namespace

std::string SliceSelection::ruleText() const
{
    switch (rule) {
    case Rule::CentralHead: return "central:" + std::to_string(count);
    case Rule::Discard: return "discard:" + std::to_string(discard);
    case Rule::Range: return "range:" + std::to_string(first) + "-" + std::to_string(last);
    case Rule::All: return "all";
    }
    return {};
}

std::string SliceSelection::describe() const
{
    std::string text = std::string(slicePlaneName(plane)) + ", ";
    switch (rule) {
    case Rule::CentralHead: return text + "the central " + std::to_string(count) + " slices of the head's extent";
    case Rule::Discard: return text + "every slice but " + std::to_string(discard) + " at each end";
    case Rule::Range: return text + "slices " + std::to_string(first) + " to " + std::to_string(last);
    case Rule::All: return text + "every slice";
    }
    return text;
}

nlohmann::json SliceSelection::toJson() const
{
    nlohmann::json j = {{"plane", slicePlaneName(plane)}, {"rule", ruleName(rule)}};
    switch (rule) {
    case Rule::CentralHead: j["count"] = count; break;
    case Rule::Discard: j["discard"] = discard; break;
    case Rule::Range: j["first"] = first, j["last"] = last; break;
    case Rule::All: break;
    }
    return j;
}

SliceSelection SliceSelection::fromJson(const nlohmann::json& j)
{
    if (!j.is_object() || !j.contains("plane") || !j["plane"].is_string() || !j.contains("rule") || !j["rule"].is_string())
        throw NeuroDxError(ErrorKind::InvalidArgument, "a slice selection needs a \"plane\" and a \"rule\"");
    const auto number = [&](const char* key) {
        if (!j.contains(key) || !j[key].is_number_integer())
            throw NeuroDxError(ErrorKind::InvalidArgument, std::string("the slice selection's \"") + key + "\" must be a whole number");
        return j[key].get<int>();
    };
    SliceSelection s;
    s.plane = slicePlaneFromName(j["plane"].get<std::string>());
    const std::string rule = j["rule"].get<std::string>();
    if (rule == "central") {
        s.rule = Rule::CentralHead;
        s.count = std::max(1, number("count"));
    } else if (rule == "discard") {
        s.rule = Rule::Discard;
        s.discard = std::max(0, number("discard"));
    } else if (rule == "range") {
        s.rule = Rule::Range;
        s.first = number("first");
        s.last = number("last");
    } else if (rule == "all") {
        s.rule = Rule::All;
    } else {
        throw NeuroDxError(ErrorKind::InvalidArgument, "unknown slice rule '" + rule + "' (central, discard, range or all)");
    }
    return s;
}

SliceSelection SliceSelection::parse(SlicePlane plane, const std::string& text)
{
    SliceSelection s;
    s.plane = plane;
    const std::string t = toLower(trim(text));
    const auto colon = t.find(':');
    const std::string name = t.substr(0, colon);
    const std::string value = colon == std::string::npos ? std::string() : t.substr(colon + 1);
    if (name == "all" && value.empty()) {
        s.rule = Rule::All;
    } else if (name == "central" && !value.empty()) {
        s.rule = Rule::CentralHead;
        s.count = parseCount(value, "the number of central slices", 1);
    } else if (name == "discard" && !value.empty()) {
        s.rule = Rule::Discard;
        s.discard = parseCount(value, "the number of slices discarded at each end", 0);
    } else if (name == "range" && value.find('-') != std::string::npos) {
        s.rule = Rule::Range;
        const auto dash = value.find('-');
        s.first = parseCount(value.substr(0, dash), "the first slice", 0);
        s.last = parseCount(value.substr(dash + 1), "the last slice", 0);
        if (s.last < s.first)
            throw NeuroDxError(ErrorKind::InvalidArgument, "the slice range " + value + " ends before it starts");
    } else {
        throw NeuroDxError(ErrorKind::InvalidArgument,
                           "slices must be central:N, discard:N, range:FIRST-LAST or all, not '" + text + "'");
    }
    return s;
}

SliceRange headExtent(const Volume& canonical, SlicePlane plane)
{
    const int count = sliceCount(canonical, plane);
    SliceRange whole{0, count - 1};
    if (canonical.voxels.empty())
        return whole;
    std::vector<float> sample;
    const std::size_t stride = std::max<std::size_t>(1, canonical.voxels.size() / 200000);
    for (std::size_t i = 0; i < canonical.voxels.size(); i += stride)
        sample.push_back(canonical.voxels[i]);
    const std::size_t rank = sample.size() * 99 / 100;
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank), sample.end());
    const float threshold = 0.1f * sample[rank];
    if (!(sample[rank] > 0.0f))
        return whole;

    std::vector<std::size_t> area(static_cast<std::size_t>(count), 0);
    for (int k = 0; k < canonical.nz(); ++k)
        for (int j = 0; j < canonical.ny(); ++j)
            for (int i = 0; i < canonical.nx(); ++i)
                if (canonical.at(i, j, k) > threshold)
                    ++area[static_cast<std::size_t>(plane == SlicePlane::Axial ? k : plane == SlicePlane::Coronal ? j : i)];
    const std::size_t largest = *std::max_element(area.begin(), area.end());
    if (largest == 0)
        return whole;
    SliceRange extent{count, -1};
    for (int s = 0; s < count; ++s)
        if (2 * area[static_cast<std::size_t>(s)] >= largest) {
            extent.first = std::min(extent.first, s);
            extent.last = std::max(extent.last, s);
        }
    return extent;
}

std::vector<int> selectSlices(const Volume& canonical, const SliceSelection& selection)
{
    const int count = sliceCount(canonical, selection.plane);
    int first = 0, last = count - 1;
    switch (selection.rule) {
    case SliceSelection::Rule::All:
        break;
    case SliceSelection::Rule::Discard:
        first = selection.discard;
        last = count - 1 - selection.discard;
        break;
    case SliceSelection::Rule::Range:
        first = std::max(0, selection.first);
        last = std::min(count - 1, selection.last);
        break;
    case SliceSelection::Rule::CentralHead: {
        const SliceRange head = headExtent(canonical, selection.plane);
        const int wanted = std::min(selection.count, count);
        const int centre = (head.first + head.last) / 2;
        first = std::clamp(centre - (wanted - 1) / 2, 0, count - wanted);
        last = first + wanted - 1;
        break;
    }
    }
    std::vector<int> indices;
    for (int s = first; s <= last; ++s)
        indices.push_back(s);
    return indices;
}

} // namespace neurodx
