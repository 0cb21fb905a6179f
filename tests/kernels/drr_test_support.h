#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::test {

// Narrows [t0, t1] to the part of the line a + tau (b - a) inside the grid's outer voxel faces
// (any direction); false when nothing of it is inside.
inline bool clip_to_grid(const VolumeGrid& grid, Vec3 a, Vec3 b, double& t0, double& t1) {
    const Vec3 qa = grid.world_to_index(a), qb = grid.world_to_index(b);
    for (int i = 0; i < 3; ++i) {
        const double lo = -0.5, hi = grid.size[i] - 0.5;
        const double d = qb[i] - qa[i];
        if (d == 0) {
            if (qa[i] < lo || qa[i] > hi) return false;
            continue;
        }
        double ta = (lo - qa[i]) / d, tb = (hi - qa[i]) / d;
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    return t1 > t0;
}

// Exact length (mm) of the segment a -> b inside the closed box covered by `grid`'s voxels,
// computed in double in index space: the ground truth for radiological path lengths.
inline double chord_through_grid(const VolumeGrid& grid, Vec3 a, Vec3 b) {
    double t0 = 0, t1 = 1;
    return clip_to_grid(grid, a, b, t0, t1) ? (t1 - t0) * norm(b - a) : 0.0;
}

// The line integral of `volume` (voxels of `grid`, any direction) along a + tau (b - a) for tau
// in [tau_lo, tau_hi], in double: every crossing of a voxel plane is listed, sorted, and each
// piece between two crossings weighs the voxel holding its midpoint by its exact length (the
// textbook Siddon/Jacobs form, independent of the engine's slab walk).
inline double exact_line_integral(const VolumeGrid& grid, const float* volume, Vec3 a, Vec3 b,
                                  double tau_lo = 0, double tau_hi = 1) {
    const Vec3 qa = grid.world_to_index(a), qb = grid.world_to_index(b);
    double t0 = tau_lo, t1 = tau_hi;
    if (!clip_to_grid(grid, a, b, t0, t1)) return 0;
    std::vector<double> taus = {t0, t1};
    for (int i = 0; i < 3; ++i) {
        const double d = qb[i] - qa[i];
        if (d == 0) continue;
        const double q0 = qa[i] + t0 * d, q1 = qa[i] + t1 * d;
        for (double plane = std::ceil(std::min(q0, q1) + 0.5) - 0.5; plane < std::max(q0, q1);
             plane += 1.0) {
            const double t = (plane - qa[i]) / d;
            if (t > t0 && t < t1) taus.push_back(t);
        }
    }
    std::sort(taus.begin(), taus.end());
    double sum = 0;
    for (std::size_t k = 0; k + 1 < taus.size(); ++k) {
        const double mid = 0.5 * (taus[k] + taus[k + 1]);
        int64_t index = 0, stride = 1;
        for (int i = 0; i < 3; ++i) {
            const double q = qa[i] + mid * (qb[i] - qa[i]);
            const int64_t cell =
                std::min<int64_t>(grid.size[i] - 1, std::max<int64_t>(0, std::llround(q)));
            index += cell * stride;
            stride *= grid.size[i];
        }
        sum += (taus[k + 1] - taus[k]) * static_cast<double>(volume[index]);
    }
    return sum * norm(b - a);
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
