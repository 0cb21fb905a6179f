// Compiled once per instruction set (see kernels/CMakeLists.txt); RADON_SIMD_VARIANT names the
// namespace. The per-voxel templates are instantiated with lane types of this file's anonymous
// namespace, so no copy built with wider instructions leaks to another variant.

#include "kernels/ct/voxel_backprojector_lanes.h"

#include <omp.h>

#include "kernels/ct/voxel_backprojection.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/simd/lanes_pack.h"

#ifndef RADON_SIMD_VARIANT
#error "RADON_SIMD_VARIANT must name the variant (baseline, avx2, avx512)"
#endif

namespace radon::ct_backproject_cpu::RADON_SIMD_VARIANT {
namespace {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
#elif defined(__AVX2__)
constexpr int kLanes = 8;
#else
constexpr int kLanes = 4;
#endif

struct Pack : PackLanes<kLanes> {};
using F = Pack::F;

}  // namespace

int lanes() {
    return kLanes;
}

void backproject_views(const VoxelViewMap* maps, int64_t view_count, const float* panels,
                       const PaddedPanels& layout, bool depth_weight, int64_t nx, int64_t ny,
                       int64_t nz, float* volume, int threads) {
    F iota;
    for (int l = 0; l < kLanes; ++l)
        iota[l] = static_cast<float>(l);
    const int64_t rows = ny * nz;
#pragma omp parallel for schedule(static) num_threads(threads)
    for (int64_t r = 0; r < rows; ++r) {
        const float j = static_cast<float>(r % ny);
        const float k = static_cast<float>(r / ny);
        float* line = volume + r * nx;
        for (int64_t i0 = 0; i0 < nx; i0 += kLanes) {
            const int valid = static_cast<int>(nx - i0 < kLanes ? nx - i0 : kLanes);
            F sum;
            for (int l = 0; l < kLanes; ++l)
                sum[l] = l < valid ? line[i0 + l] : 0.0f;
            const F i = iota + static_cast<float>(i0);
            for (int64_t v = 0; v < view_count; ++v) {
                const VoxelRowOrigin o = voxel_row_origin(maps[v], j, k);
                sum += voxel_view_contribution<Pack>(maps[v], o, i, panels + v * layout.view_stride,
                                                     layout, depth_weight);
            }
            for (int l = 0; l < valid; ++l)
                line[i0 + l] = sum[l];
        }
    }
}

}  // namespace radon::ct_backproject_cpu::RADON_SIMD_VARIANT
