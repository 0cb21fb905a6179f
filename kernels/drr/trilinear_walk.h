#pragma once

#include <type_traits>

#include "kernels/core/hd.h"
#include "kernels/drr/compensated_sum.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/ray_clip.h"

namespace radon {

// The eight voxels around cell coordinates q and the weights between them, clamped to the edge
// voxels (what a CUDA texture with clamp addressing reads). Voxel centres sit at q = index + 0.5.
// Corner (dx, dy, dz) is voxel base + dx next[0] + dy next[1] + dz next[2]; along an axis of one
// voxel next is 0 and frac 0.
template <class L>
struct TrilinearCell {
    typename L::I base;
    typename L::I next[3];
    typename L::F frac[3];
};

template <class L>
RADON_HD TrilinearCell<L> trilinear_cell(const DrrRayParams& p, const typename L::F q[3]) {
    using F = typename L::F;
    TrilinearCell<L> c;
    c.base = L::splat_int(0);
    for (int a = 0; a < 3; ++a) {
        const float top = static_cast<float>(p.dims[a] - 1);
        const F x = L::min(L::max(q[a] - 0.5f, L::splat(0.0f)), L::splat(top));
        const F lower = L::min(L::floor(x), L::splat(p.dims[a] > 1 ? top - 1.0f : 0.0f));
        c.frac[a] = x - lower;
        c.base = c.base + L::to_int(lower) * p.strides[a];
        c.next[a] = L::splat_int(p.dims[a] > 1 ? p.strides[a] : 0);
    }
    return c;
}

// Trilinear interpolation at cell coordinates q (see trilinear_cell).
template <class L>
RADON_HD typename L::F trilinear_sample(const DrrRayParams& p, const float* volume,
                                        const typename L::F q[3]) {
    using F = typename L::F;
    const TrilinearCell<L> c = trilinear_cell<L>(p, q);
    const auto base = c.base;
    const auto* next = c.next;
    const F* frac = c.frac;
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

// The transpose of trilinear_sample: adds value times each corner's weight to the corner's
// voxel, lane after lane (lanes may share voxels).
template <class L, class Add>
RADON_HD void trilinear_spread(const DrrRayParams& p, float* volume, const typename L::F q[3],
                               typename L::F value, Add& add) {
    const TrilinearCell<L> c = trilinear_cell<L>(p, q);
    for (int l = 0; l < L::width; ++l) {
        const float v = L::lane(value, l);
        if (v == 0.0f) continue;
        const int32_t base = L::lane_int(c.base, l);
        const int32_t n[3] = {L::lane_int(c.next[0], l), L::lane_int(c.next[1], l),
                              L::lane_int(c.next[2], l)};
        const float f[3] = {L::lane(c.frac[0], l), L::lane(c.frac[1], l), L::lane(c.frac[2], l)};
        for (int dz = 0; dz < 2; ++dz) {
            const float wz = dz ? f[2] : 1.0f - f[2];
            for (int dy = 0; dy < 2; ++dy) {
                const float wyz = (dy ? f[1] : 1.0f - f[1]) * wz;
                for (int dx = 0; dx < 2; ++dx) {
                    const float w = (dx ? f[0] : 1.0f - f[0]) * wyz;
                    add(volume + base + dx * n[0] + dy * n[1] + dz * n[2], v * w);
                }
            }
        }
    }
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

// The sample points of the clipped ray: every p.step_mm, at the midpoint of each step (the last
// step is cut at the exit), each weighted by its step length in tau, so that a constant volume
// integrates exactly. Calls visit(q, weight) with the point in cell coordinates; lanes past
// their own last step get weight 0. The DRR's sums and maxima and the CT back projection are
// visitors of these samples.
template <class L, class Visit>
RADON_HD void trilinear_steps(const DrrRayParams& p, const ClippedRay<L>& ray, Visit& visit) {
    using F = typename L::F;
    using I = typename L::I;
    const F step_tau = p.step_mm / ray.mm;
    const F span = ray.tau_out - ray.tau_in;
    // Clamp before converting: a huge count only happens for a degenerate step and is bounded.
    const F count_f = L::min(L::floor(span / step_tau) + 1.0f, L::splat(1.0e6f));
    const I count = L::select_int(ray.hit, L::to_int(count_f), L::splat_int(0));
    const int32_t steps = L::max_lane(count);
    for (int32_t s = 0; s < steps; ++s) {
        const F t_start = ray.tau_in + step_tau * static_cast<float>(s);
        const F t_end = L::min(t_start + step_tau, ray.tau_out);
        const F weight = L::max(t_end - t_start, L::splat(0.0f));
        const F t_mid = 0.5f * (t_start + t_end);
        F q[3];
        for (int a = 0; a < 3; ++a)
            q[a] = ray.source[a] + t_mid * ray.dir[a];
        visit(q, weight);
    }
}

// Sums (sample times weight, compensated as the Siddon walk's) or maxima (over samples of
// positive weight) of a sampler along the steps.
template <class L, class Sampler>
struct TrilinearGatherVisit {
    using F = typename L::F;
    const Sampler& sample;
    bool mip;
    F peak;
    CompensatedSum<L> acc;

    RADON_HD void operator()(const F q[3], F weight) {
        const F v = sample(q);
        if (mip) {
            peak = L::max(peak, L::select(weight > 0.0f, v, peak));
        } else {
            acc.add(weight * v);
        }
    }
};

// The integral (or maximum) of the volume along the ray, sampled by `sample`: anything callable
// as sample(q) with q[3] in cell coordinates, returning L::F (VoxelTrilinear above, or a CUDA 3D
// texture with linear filtering, kernels/cuda/drr_cuda_access.cuh). The walk itself is the same
// for every sampler.
template <class L, class Sampler,
          class = typename std::enable_if<!std::is_pointer<Sampler>::value>::type>
RADON_HD typename L::F trilinear_walk(const DrrRayParams& p, const Sampler& sample,
                                      const ClippedRay<L>& ray) {
    TrilinearGatherVisit<L, Sampler> visit{sample, p.mip != 0, L::splat(-3.0e38f),
                                           CompensatedSum<L>::zero()};
    trilinear_steps<L>(p, ray, visit);
    if (p.mip) return L::select(visit.peak > -3.0e38f, visit.peak, L::splat(0.0f));
    return visit.acc.total() * ray.mm;
}

// The transpose of the trilinear integral: spreads value_per_tau (a ray's value times ray.mm)
// times each step's weight over the step's eight voxels.
template <class L, class Add>
struct TrilinearScatterVisit {
    using F = typename L::F;
    const DrrRayParams& p;
    float* volume;
    F value_per_tau;
    Add* add;

    RADON_HD void operator()(const F q[3], F weight) {
        trilinear_spread<L>(p, volume, q, value_per_tau * weight, *add);
    }
};

// The walk with the software sampler on `volume`.
template <class L>
RADON_HD typename L::F trilinear_walk(const DrrRayParams& p, const float* volume,
                                      const ClippedRay<L>& ray) {
    return trilinear_walk<L>(p, VoxelTrilinear<L>{p, volume}, ray);
}

}  // namespace radon
