#pragma once

#include <array>
#include <cstdint>

namespace radon {

// The smallest box of voxels holding every non-zero value: rays are clipped to it, so the air
// around a patient costs nothing. `empty` when the volume is all zero.
struct OccupiedBox {
    std::array<int64_t, 3> lo{0, 0, 0};  // first occupied voxel index per axis
    std::array<int64_t, 3> hi{0, 0, 0};  // last occupied voxel index per axis
    bool empty = true;
};

OccupiedBox occupied_box(const float* volume, const std::array<int64_t, 3>& dims);

}  // namespace radon
