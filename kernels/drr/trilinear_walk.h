#pragma once

#include <type_traits>

#include "kernels/core/hd.h"
#include "kernels/drr/compensated_sum.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/ray_clip.h"

namespace radon {

// Trilinear interpolation at cell coordinates q, clamped to the edge voxels (what a CUDA
// texture with clamp addressing returns). Voxel centres sit at q = index + 0.5.
template <class L>
RADON_HD typename L::F trilinear_sample(const DrrRayParams& p, const float* volume,
                                        const typename L::F q[3]) {
    using F = typename L::F;
    using I = typename L::I;
    I base = L::splat_int(0);
    I next[3];
    F frac[3];
    for (int a = 0; a < 3; ++a) {
        const float top = static_cast<float>(p.dims[a] - 1);
        const F x = L::min(L::max(q[a] - 0.5f, L::splat(0.0f)), L::splat(top));
        const F lower = L::min(L::floor(x), L::splat(p.dims[a] > 1 ? top - 1.0f : 0.0f));
        frac[a] = x - lower;
        base = base + L::to_int(lower) * p.strides[a];
        next[a] = L::splat_int(p.dims[a] > 1 ? p.strides[a] : 0);
    }
    const F c000 = L::gather(volume, base);
    const F c100 = L::gather(volume, base + next[0]);
    const F c010 = L::gather(volume, base + next[1]);
    const F c110 = L::gather(volume, base + next[0] + next[1]);
    const F c001 = L::gather(volume, base + next[2]);
    const F c101 = L::gather(volume, base + next[0] + next[2]);
    const F c011 = L::gather(volume, base + next[1] + next[2]);
    const F c111 = L::gather(volume, base + next[0] + next[1] + next[2]);
    const F c00 = c000 + frac[0] * (c100 - c000);
    const F c10 = c010 + frac[0] * (c110 - c010);
    const F c01 = c001 + frac[0] * (c101 - c001);
    const F c11 = c011 + frac[0] * (c111 - c011);
    const F c0 = c00 + frac[1] * (c10 - c00);
    const F c1 = c01 + frac[1] * (c11 - c01);
    return c0 + frac[2] * (c1 - c0);
}

// The software sampler: trilinear_sample on the volume's voxels, read through L::gather. A
// sampler is anything callable as sample(q) with q[3] in cell coordinates, returning L::F; a
// CUDA 3D texture with linear filtering is the other one (kernels/cuda/drr_cuda_access.cuh).
template <class L>
struct VoxelTrilinear {
    const DrrRayParams& p;
    const float* volume;

    RADON_HD typename L::F operator()(const typename L::F q[3]) const {
        return trilinear_sample<L>(p, volume, q);
    }
};

// Samples the clipped ray every p.step_mm at the midpoint of each step (the last step is cut
// at the exit), weighting each sample by its step length: a constant volume integrates exactly.
// The sum is compensated, as the Siddon walk's is.
// `sample` gives the value at a point (see VoxelTrilinear); the walk itself is the same for
// every sampler.
template <class L, class Sampler,
          class = typename std::enable_if<!std::is_pointer<Sampler>::value>::type>
RADON_HD typename L::F trilinear_walk(const DrrRayParams& p, const Sampler& sample,
                                      const ClippedRay<L>& ray) {
    using F = typename L::F;
    using I = typename L::I;
    const F step_tau = p.step_mm / ray.mm;
    const F span = ray.tau_out - ray.tau_in;
    // Clamp before converting: a huge count only happens for a degenerate step and is bounded.
    const F count_f = L::min(L::floor(span / step_tau) + 1.0f, L::splat(1.0e6f));
    const I count = L::select_int(ray.hit, L::to_int(count_f), L::splat_int(0));
    const int32_t steps = L::max_lane(count);

    F peak = L::splat(-3.0e38f);
    CompensatedSum<L> acc = CompensatedSum<L>::zero();
    for (int32_t s = 0; s < steps; ++s) {
        const F t_start = ray.tau_in + step_tau * static_cast<float>(s);
        const F t_end = L::min(t_start + step_tau, ray.tau_out);
        const F weight = L::max(t_end - t_start, L::splat(0.0f));
        const F t_mid = 0.5f * (t_start + t_end);
        F q[3];
        for (int a = 0; a < 3; ++a)
            q[a] = ray.source[a] + t_mid * ray.dir[a];
        const F v = sample(q);
        if (p.mip) {
            peak = L::max(peak, L::select(weight > 0.0f, v, peak));
        } else {
            acc.add(weight * v);
        }
    }
    if (p.mip) return L::select(peak > -3.0e38f, peak, L::splat(0.0f));
    return acc.total() * ray.mm;
}

// The walk with the software sampler on `volume`.
template <class L>
RADON_HD typename L::F trilinear_walk(const DrrRayParams& p, const float* volume,
                                      const ClippedRay<L>& ray) {
    return trilinear_walk<L>(p, VoxelTrilinear<L>{p, volume}, ray);
}

}  // namespace radon
