#pragma once

#include "volume/Volume.h"
#include "volume/VolumeSlicing.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace neurodx {

// Which slices of a scan become 2D images, for import and for scan-level prediction. A model file
// stores the plane and the rule it was trained with, so a scan is predicted on the slices the model
// knows.
struct SliceSelection {
    enum class Rule {
        CentralHead, // the central `count` slices of the head's extent (the default)
        Discard,     // every slice but `discard` at each end (ClinicaDL's prepare-data --discarded_slices)
        Range,       // slices `first`..`last` (inclusive, 0-based), clipped to the volume
        All,
    };
    SlicePlane plane = SlicePlane::Axial;
    Rule rule = Rule::CentralHead;
    int count = 32;
    int discard = 20;
    int first = 0;
    int last = -1;

    // "axial, the central 32 slices of the head's extent"
    std::string describe() const;
    // "central:32", "discard:20", "range:60-120", "all": the CLI's --slices syntax.
    std::string ruleText() const;
    nlohmann::json toJson() const;
    // Throws NeuroDxError(InvalidArgument) naming the problem.
    static SliceSelection fromJson(const nlohmann::json& json);
    static SliceSelection parse(SlicePlane plane, const std::string& ruleText);
};

// The first and last slice (along the plane's normal) whose cross-section of the head is at least
// half the largest one: the skull from the vertex down to the skull base, without the neck or the
// air and noise around the head. The head is the voxels above a tenth of the volume's 99th
// percentile. An empty volume gives the whole range.
struct SliceRange {
    int first = 0;
    int last = -1;
    int size() const { return last - first + 1; }
};
SliceRange headExtent(const Volume& canonical, SlicePlane plane);

// The slice indices the rule picks, ascending. Empty when none fall inside the volume.
std::vector<int> selectSlices(const Volume& canonical, const SliceSelection& selection);

} // namespace neurodx
