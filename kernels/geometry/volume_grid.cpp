#include "kernels/geometry/volume_grid.h"

#include <cmath>
#include <sstream>
#include <string>

#include "kernels/core/error.h"

namespace radon {

Mat3 VolumeGrid::index_to_world_matrix() const {
    Mat3 scale;
    for (int i = 0; i < 3; ++i)
        scale.m[i][i] = spacing[i];
    return direction * scale;
}

Vec3 VolumeGrid::index_to_world(Vec3 index) const {
    return origin + index_to_world_matrix() * index;
}

Vec3 VolumeGrid::world_to_index(Vec3 world) const {
    return inverse(index_to_world_matrix()) * (world - origin);
}

Vec3 VolumeGrid::center() const {
    const Vec3 middle{(size[0] - 1) * 0.5, (size[1] - 1) * 0.5, (size[2] - 1) * 0.5};
    return index_to_world(middle);
}

void VolumeGrid::validate(const std::string& what) const {
    const char axis[] = {'x', 'y', 'z'};
    for (int i = 0; i < 3; ++i) {
        if (size[i] < 1) {
            std::ostringstream msg;
            msg << what << ": size along " << axis[i] << " is " << size[i]
                << ", expected at least 1 voxel";
            throw InvalidArgument(msg.str());
        }
        if (!std::isfinite(spacing[i]) || spacing[i] <= 0) {
            std::ostringstream msg;
            msg << what << ": spacing along " << axis[i] << " is " << spacing[i]
                << " mm, expected a finite value > 0";
            throw InvalidArgument(msg.str());
        }
        if (!std::isfinite(origin[i])) {
            throw InvalidArgument(what + ": origin is not finite");
        }
    }
    for (int c = 0; c < 3; ++c) {
        const double length = norm(direction.column(c));
        if (!std::isfinite(length) || std::fabs(length - 1.0) > 1e-3) {
            std::ostringstream msg;
            msg << what << ": direction column " << c << " has length " << length
                << ", expected unit direction cosines";
            throw InvalidArgument(msg.str());
        }
    }
    if (std::fabs(std::fabs(determinant(direction)) - 1.0) > 1e-3) {
        throw InvalidArgument(what + ": direction cosines are not orthonormal (|det| = " +
                              std::to_string(std::fabs(determinant(direction))) + ", expected 1)");
    }
}

VolumeGrid centered_grid(std::array<int64_t, 3> size, Vec3 spacing) {
    VolumeGrid g;
    g.size = size;
    g.spacing = spacing;
    for (int i = 0; i < 3; ++i)
        g.origin[i] = -0.5 * (size[i] - 1) * spacing[i];
    return g;
}

}  // namespace radon
