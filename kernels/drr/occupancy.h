#pragma once

#include <array>
#include <cstdint>
#include <functional>

namespace radon {

// The smallest box of voxels holding every non-zero value: rays are clipped to it, so the air
// around a patient costs nothing. `empty` when the volume is all zero.
struct OccupiedBox {
    std::array<int64_t, 3> lo{0, 0, 0};  // first occupied voxel index per axis
    std::array<int64_t, 3> hi{0, 0, 0};  // last occupied voxel index per axis
    bool empty = true;
};

OccupiedBox occupied_box(const float* volume, const std::array<int64_t, 3>& dims);

// occupied_box of what `prepare_slice(plane, count)` leaves in each z-slice, measured while the
// slice is still in cache: a pass that rewrites the volume anyway (the HU conversion) gets the
// box without reading the volume a second time. Slices are prepared in parallel.
OccupiedBox prepare_and_measure(
    float* volume, const std::array<int64_t, 3>& dims,
    const std::function<void(float* plane, int64_t count)>& prepare_slice);

}  // namespace radon
