#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// One label that occurs in a label map: how many voxels carry it and the smallest box of voxel
// indices (inclusive) holding them all.
struct LabelExtent {
    uint16_t label = 0;
    int64_t voxels = 0;
    std::array<int64_t, 3> lo{0, 0, 0};
    std::array<int64_t, 3> hi{0, 0, 0};
};

// A segmentation on the grid of a CT volume: one label (0 to 65535) per voxel, x fastest, as the
// volume stores its voxels. Label 0 is an ordinary label (usually "unlabelled"), so that the
// channels of every label present add up to the whole volume.
struct LabelMap {
    std::string source;  // file name, for messages
    std::array<int64_t, 3> size{0, 0, 0};
    Array<uint16_t> labels;
    std::vector<LabelExtent> present;  // ascending label order

    // Null when `label` does not occur.
    const LabelExtent* find(uint16_t label) const;
    // "0, 1, 3" (the first few, then how many more), for messages.
    std::string present_list() const;
};

// Voxel centres of the label map may lie at most this fraction of the volume's smallest voxel
// spacing from the volume's: float-stored headers (NIfTI) and rounded spacings stay well inside
// it, while any real difference in grid (a resampled or cropped segmentation) is far outside.
constexpr double kLabelGridTolerance = 0.05;

// Checks a label map read as floats on `label_grid` (`values`, x fastest) and converts it: the
// grid must be the volume's (same size; voxel centres within kLabelGridTolerance of a voxel) and
// every value a finite whole number in [0, 65535]. Throws InvalidArgument naming `source` and
// the problem.
LabelMap make_label_map(const VolumeGrid& volume_grid, const VolumeGrid& label_grid,
                        const Array<float>& values, const std::string& source);

// The label map of `labels` (one per voxel of `size`), with its extents computed; for label
// maps made in memory (tests, a GUI segmentation).
LabelMap make_label_map(const std::array<int64_t, 3>& size, Array<uint16_t> labels,
                        const std::string& source);

}  // namespace radon
