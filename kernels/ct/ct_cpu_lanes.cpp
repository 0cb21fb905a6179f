// Compiled once per instruction set (see kernels/CMakeLists.txt); RADON_SIMD_VARIANT names the
// namespace. Everything instantiated here is keyed on types from the anonymous namespace below,
// so no function compiled with wider instructions can be shared with another variant through
// the linker.

#include <omp.h>

#include "kernels/core/scatter_add.h"
#include "kernels/ct/ct_cpu_lanes.h"
#include "kernels/ct/ct_rays.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/pack_rays.h"
#include "kernels/simd/lanes_pack.h"

#ifndef RADON_SIMD_VARIANT
#error "RADON_SIMD_VARIANT must name the variant (baseline, avx2, avx512)"
#endif

namespace radon::ct_cpu::RADON_SIMD_VARIANT {
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
struct Add : PlainAdd {};

using F = Pack::F;

F iota() {
    F v;
    for (int l = 0; l < kLanes; ++l)
        v[l] = static_cast<float>(l);
    return v;
}

ClippedRay<Pack> pack_ray(const DrrRayParams& p, bool parallel, F col, float row, int valid) {
    ClippedRay<Pack> ray = ct_ray<Pack>(p, parallel, col, Pack::splat(row));
    keep_lanes(ray, valid);
    return ray;
}

F forward_pack(const DrrRayParams& p, const CtLines& lines, const float* volume, F col, float row,
               int valid) {
    const ClippedRay<Pack> ray = pack_ray(p, lines.parallel, col, row, valid);
    if (!Pack::any(ray.hit)) return Pack::splat(0.0f);
    if (lines.trilinear) return ct_ray_forward<Pack>(p, volume, ray, true, 0);
    const int axis = shared_dominant_axis(ray);
    if (axis >= 0) return ct_ray_forward<Pack>(p, volume, ray, false, axis);
    F out = Pack::splat(0.0f);
    for (int l = 0; l < valid; ++l)
        out[l] = ct_forward_one<One>(p, lines.parallel, false, volume, col[l], row);
    return out;
}

void back_pack(const DrrRayParams& p, const CtLines& lines, const float* values, F col, float row,
               int valid, float* volume) {
    F value = Pack::splat(0.0f);
    bool any = false;
    for (int l = 0; l < valid; ++l) {
        value[l] = values[l];
        any = any || values[l] != 0.0f;
    }
    if (!any) return;
    const ClippedRay<Pack> ray = pack_ray(p, lines.parallel, col, row, valid);
    if (!Pack::any(ray.hit)) return;
    Add add;
    if (lines.trilinear) {
        ct_ray_back<Pack>(p, volume, ray, true, 0, value, add);
        return;
    }
    const int axis = shared_dominant_axis(ray);
    if (axis >= 0) {
        ct_ray_back<Pack>(p, volume, ray, false, axis, value, add);
        return;
    }
    for (int l = 0; l < valid; ++l)
        ct_back_one<One>(p, lines.parallel, false, volume, col[l], row, value[l], add);
}

int valid_lanes(int64_t col, int64_t columns) {
    return static_cast<int>(columns - col < kLanes ? columns - col : kLanes);
}

}  // namespace

int lanes() {
    return kLanes;
}

void forward_lines(const CtLines& lines, const float* volume, float* stack, int threads,
                   const CancelToken* cancel) {
    const F first = iota();
    const int64_t n0 = lines.view0 * lines.rows, n1 = lines.view1 * lines.rows;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int64_t n = n0; n < n1; ++n) {
        if (cancel && cancel->cancelled()) continue;
        const DrrRayParams& p = lines.params[n / lines.rows];
        const float row = static_cast<float>(n % lines.rows);
        float* line = stack + n * lines.columns;
        for (int64_t col = 0; col < lines.columns; col += kLanes) {
            const int valid = valid_lanes(col, lines.columns);
            const F v = forward_pack(p, lines, volume, first + static_cast<float>(col), row, valid);
            for (int l = 0; l < valid; ++l)
                line[col + l] = v[l];
        }
    }
}

void back_lines(const CtLines& lines, const float* stack, float* const* volumes, int threads,
                const CancelToken* cancel) {
    const F first = iota();
    const int64_t n0 = lines.view0 * lines.rows, n1 = lines.view1 * lines.rows;
#pragma omp parallel num_threads(threads)
    {
        float* mine = volumes[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 1)
        for (int64_t n = n0; n < n1; ++n) {
            if (cancel && cancel->cancelled()) continue;
            const DrrRayParams& p = lines.params[n / lines.rows];
            const float row = static_cast<float>(n % lines.rows);
            const float* line = stack + n * lines.columns;
            for (int64_t col = 0; col < lines.columns; col += kLanes)
                back_pack(p, lines, line + col, first + static_cast<float>(col), row,
                          valid_lanes(col, lines.columns), mine);
        }
    }
}

}  // namespace radon::ct_cpu::RADON_SIMD_VARIANT
