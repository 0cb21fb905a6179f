#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::test {

// Exact length (mm) of the segment a -> b inside the closed box covered by `grid`'s voxels,
// computed in double in index space: the ground truth for radiological path lengths.
inline double chord_through_grid(const VolumeGrid& grid, Vec3 a, Vec3 b) {
    const Vec3 qa = grid.world_to_index(a), qb = grid.world_to_index(b);
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 3; ++i) {
        const double lo = -0.5, hi = grid.size[i] - 0.5;
        const double d = qb[i] - qa[i];
        if (d == 0) {
            if (qa[i] < lo || qa[i] > hi) return 0;
            continue;
        }
        double ta = (lo - qa[i]) / d, tb = (hi - qa[i]) / d;
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    return t1 > t0 ? (t1 - t0) * norm(b - a) : 0.0;
}

inline Array<float> constant_volume(const VolumeGrid& grid, float value) {
    Array<float> v = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
    std::fill(v.host_data(), v.host_data() + v.size(), value);
    return v;
}

// A geometry whose single pixel is the ray a -> b.
inline ProjectionGeometry single_ray(Vec3 a, Vec3 b) {
    ProjectionGeometry g;
    g.source = a;
    g.first_pixel = b;
    g.column_step = {1, 0, 0};
    g.row_step = {0, 1, 0};
    g.width = 1;
    g.height = 1;
    return g;
}

}  // namespace radon::test
