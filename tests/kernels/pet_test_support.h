#pragma once

// LORs and images for the PET projector tests (CPU and CUDA suites).

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/pet/pet_image_grid.h"

namespace radon::test {

struct LorSet {
    std::vector<float> p1, p2;
    void add(float x1, float y1, float z1, float x2, float y2, float z2) {
        p1.insert(p1.end(), {x1, y1, z1});
        p2.insert(p2.end(), {x2, y2, z2});
    }
    int64_t count() const { return static_cast<int64_t>(p1.size() / 3); }
};

// A small anisotropic grid whose origin is not at the world origin.
inline pet::PetImageGrid small_grid() {
    pet::PetImageGrid g{};
    g.dims[0] = 17;
    g.dims[1] = 13;
    g.dims[2] = 11;
    g.voxel_mm[0] = 2.0f;
    g.voxel_mm[1] = 2.5f;
    g.voxel_mm[2] = 3.0f;
    g.origin_mm[0] = -15.0f;
    g.origin_mm[1] = -14.0f;
    g.origin_mm[2] = -12.0f;
    return g;
}

inline void grid_box(const pet::PetImageGrid& g, double lo[3], double hi[3]) {
    for (int a = 0; a < 3; ++a) {
        lo[a] = g.origin_mm[a] - 0.5 * g.voxel_mm[a];
        hi[a] = lo[a] + g.dims[a] * double(g.voxel_mm[a]);
    }
}

// Random LORs around the grid: endpoints on a sphere (scanner-like, any direction), LORs that
// miss, LORs in the grid's face planes and in planes of voxel centres (grazing), axis-parallel
// LORs, endpoints inside the grid, and a zero-length LOR.
inline LorSet random_lors(const pet::PetImageGrid& g, int count, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    double lo[3], hi[3];
    grid_box(g, lo, hi);
    float c[3], half[3];
    for (int a = 0; a < 3; ++a) {
        c[a] = float(0.5 * (lo[a] + hi[a]));
        half[a] = float(0.5 * (hi[a] - lo[a]));
    }
    const float radius =
        2.0f * std::sqrt(half[0] * half[0] + half[1] * half[1] + half[2] * half[2]);
    LorSet s;
    auto on_sphere = [&](float* p) {
        float v[3], n2 = 0;
        do {
            n2 = 0;
            for (int a = 0; a < 3; ++a) {
                v[a] = unit(rng);
                n2 += v[a] * v[a];
            }
        } while (n2 < 1e-3f || n2 > 1.0f);
        const float k = radius / std::sqrt(n2);
        for (int a = 0; a < 3; ++a)
            p[a] = c[a] + k * v[a];
    };
    for (int i = 0; i < count; ++i) {
        float a[3], b[3];
        on_sphere(a);
        on_sphere(b);
        s.add(a[0], a[1], a[2], b[0], b[1], b[2]);
    }
    // Misses: beside the grid.
    s.add(c[0] - radius, c[1] + 2 * half[1], c[2], c[0] + radius, c[1] + 2 * half[1], c[2]);
    s.add(c[0] + 3 * half[0], c[1] - radius, c[2] + 3 * half[2], c[0] + 3 * half[0], c[1] + radius,
          c[2] - 3 * half[2]);
    // Grazing: in a face plane, along an edge, in planes of voxel centres, axis-parallel.
    for (int i = 0; i < 8; ++i) {
        const float t = unit(rng);
        s.add(c[0] - radius, float(lo[1]), c[2] + t * half[2], c[0] + radius, float(lo[1]),
              c[2] - t * half[2]);
        s.add(float(hi[0]), c[1] - radius, float(hi[2]), float(hi[0]), c[1] + radius, float(hi[2]));
        const float y = g.origin_mm[1] + g.voxel_mm[1] * float(i % g.dims[1]);
        const float z = g.origin_mm[2] + g.voxel_mm[2] * float(i % g.dims[2]);
        s.add(c[0] - radius, y, z, c[0] + radius, y, z);
        s.add(c[0] + t * half[0], c[1] + t * half[1], c[2] - radius, c[0] + t * half[0],
              c[1] + t * half[1], c[2] + radius);
        s.add(c[0] - radius, c[1] - radius * t, c[2], c[0] + radius, c[1] + radius * t, c[2]);
    }
    // Endpoints inside the grid, and a LOR of zero length.
    for (int i = 0; i < 8; ++i)
        s.add(c[0] + half[0] * unit(rng), c[1] + half[1] * unit(rng), c[2] + half[2] * unit(rng),
              c[0] + 3 * half[0] * unit(rng), c[1] + 3 * half[1] * unit(rng),
              c[2] + 3 * half[2] * unit(rng));
    s.add(c[0], c[1], c[2], c[0], c[1], c[2]);
    return s;
}

inline std::vector<float> random_positive(std::size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(0.1f, 1.0f);
    std::vector<float> v(n);
    for (float& x : v)
        x = d(rng);
    return v;
}

inline double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * double(b[i]);
    return s;
}

}  // namespace radon::test
