#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "kernels/core/vec.h"

namespace radon {

// The sampling grid of a volume, mapped to patient LPS millimetres exactly as ITK does:
//   world = origin + direction * diag(spacing) * index
// where index (i, j, k) is the centre of voxel (i, j, k), and the columns of `direction` are the
// world directions of the i, j and k axes.
struct VolumeGrid {
    std::array<int64_t, 3> size{0, 0, 0};
    Vec3 spacing{1, 1, 1};
    Vec3 origin{0, 0, 0};
    Mat3 direction = Mat3::identity();

    int64_t voxel_count() const { return size[0] * size[1] * size[2]; }

    // index -> world, the affine map above as a matrix and an offset.
    Mat3 index_to_world_matrix() const;
    Vec3 index_to_world(Vec3 index) const;
    Vec3 world_to_index(Vec3 world) const;

    // World position of the centre of the volume's bounding box (the default isocenter).
    Vec3 center() const;

    // Throws InvalidArgument when the grid cannot describe a volume: a size below 1, a spacing
    // that is not finite and positive, or a direction matrix that is singular or far from
    // orthonormal. `what` names the source (a file name) in the message.
    void validate(const std::string& what) const;
};

// A grid of `size` voxels at `spacing`, identity direction, centred on the world origin.
VolumeGrid centered_grid(std::array<int64_t, 3> size, Vec3 spacing);

}  // namespace radon
