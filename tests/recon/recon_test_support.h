#pragma once

#include <QTemporaryDir>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

#include "kernels/core/vec.h"
#include "kernels/geometry/rotation.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::test {

// An oblique but exactly orthonormal grid with distinct spacings and origin components, so that
// a swapped axis, a transposed direction matrix or a slice out of order cannot pass.
inline VolumeGrid oblique_test_grid(const std::array<int64_t, 3>& size) {
    VolumeGrid grid;
    grid.size = size;
    grid.spacing = {0.7, 1.3, 2.5};
    grid.origin = {-100.3, 37.55, 12.1};
    grid.direction =
        rotation_z(deg_to_rad(30)) * rotation_x(deg_to_rad(20)) * rotation_y(deg_to_rad(-10));
    return grid;
}

inline std::string path_in(const QTemporaryDir& dir, const std::string& name) {
    return (std::filesystem::path(dir.path().toStdString()) / name).string();
}

}  // namespace radon::test
