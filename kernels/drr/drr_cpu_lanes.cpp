// Compiled once per instruction set (see kernels/CMakeLists.txt); RADON_SIMD_VARIANT names the
// namespace. Everything instantiated here is keyed on types from the anonymous namespace below,
// so no function compiled with wider instructions can be shared with another variant through
// the linker.

#include <omp.h>

#include "kernels/drr/drr_cpu_lanes.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/pack_rays.h"
#include "kernels/drr/siddon_walk.h"
#include "kernels/drr/trilinear_walk.h"
#include "kernels/simd/lanes_pack.h"

#ifndef RADON_SIMD_VARIANT
#error "RADON_SIMD_VARIANT must name the variant (baseline, avx2, avx512)"
#endif

namespace radon::drr_cpu::RADON_SIMD_VARIANT {
namespace {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX2__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif

struct Pack : PackLanes<kLanes> {};
struct One : ScalarLanes {};

using F = Pack::F;

// One ray at a time, for packs whose lanes disagree on the dominant axis (rays near a 45 degree
// diagonal of the volume): rare, and the per-ray result is the same either way.
float siddon_one(const DrrRayParams& p, const float* volume, float col, float row) {
    const ClippedRay<One> ray = clip_ray<One>(p, col, row);
    if (!ray.hit) return 0.0f;
    return siddon_walk<One>(p, volume, ray, dominant_axis<One>(ray));
}

F render_pack(const DrrRayParams& p, const float* volume, bool trilinear, F col, float row,
              int valid) {
    ClippedRay<Pack> ray = clip_ray<Pack>(p, col, Pack::splat(row));
    keep_lanes(ray, valid);
    if (!Pack::any(ray.hit)) return Pack::splat(0.0f);
    if (trilinear) return trilinear_walk<Pack>(p, volume, ray);
    const int axis = shared_dominant_axis(ray);
    if (axis >= 0) return siddon_walk<Pack>(p, volume, ray, axis);
    F out = Pack::splat(0.0f);
    for (int l = 0; l < valid; ++l)
        out[l] = siddon_one(p, volume, col[l], row);
    return out;
}

}  // namespace

int lanes() {
    return kLanes;
}

void render_block(const DrrRayParams& params, const float* volume, bool trilinear,
                  const PixelBlock& block, int threads, const CancelToken* cancel,
                  std::atomic<int64_t>* rows_done) {
    F iota;
    for (int l = 0; l < kLanes; ++l)
        iota[l] = static_cast<float>(l);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t row = block.row0; row < block.row1; ++row) {
        if (cancel && cancel->cancelled()) continue;
        float* line = block.out + row * block.out_stride;
        for (int64_t col = block.col0; col < block.col1; col += kLanes) {
            const int valid =
                static_cast<int>(block.col1 - col < kLanes ? block.col1 - col : kLanes);
            const F v = render_pack(params, volume, trilinear, iota + static_cast<float>(col),
                                    static_cast<float>(row), valid);
            for (int l = 0; l < valid; ++l)
                line[col + l] = v[l];
        }
        if (rows_done) rows_done->fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace radon::drr_cpu::RADON_SIMD_VARIANT
