#pragma once

#include "kernels/core/hd.h"
#include "kernels/drr/compensated_sum.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/ray_clip.h"

namespace radon {

// The exact voxel walk (Siddon) of one ray or pack of rays, cut into pieces: the ray's tau
// interval inside each voxel it crosses. For each slab along the dominant axis it calls
//     visit(i1, i2, i3, third, l1, l2, l3)
// with the linear voxel indices of the slab's (up to) three pieces, in order along the ray, and
// their lengths in tau; the third piece exists only in lanes where `third` holds (elsewhere
// l3 == 0). Lengths are >= 0 and indices always lie inside the volume (a lane that has finished
// repeats its last voxel with length zero). The DRR sums and maxima below and the PET Siddon
// projector (kernels/pet/siddon_lor.h: forward and back projection) are visitors of this walk.
//
// The walk goes slab by slab along the ray's dominant axis `a`, one cell per step. Within a slab
// the ray moves at most one cell along each other axis, so it crosses at most one cell boundary
// per axis and the slab splits into at most three pieces. Every lane of a SIMD pack therefore
// runs the same loop, and the result equals a classic Siddon walk up to float rounding.
// Along the other two axes the walk keeps, as Siddon does, the tau of the next boundary; it is
// computed afresh from the cell index whenever the slab crosses one, never by adding one cell's
// tau after another, whose rounding would drift along a long ray. Each step starts at the tau
// where the previous one ended, so the pieces telescope: a ray through a constant volume sums to
// its exact chord. Requires every lane to share the dominant axis. `prefetch_base` is the array
// the visitor reads (prefetched p.prefetch_slabs slabs ahead when that is positive).
template <class L, class Visit>
RADON_HD void siddon_pieces(const DrrRayParams& p, const float* prefetch_base,
                            const ClippedRay<L>& ray, int a, Visit& visit) {
    using F = typename L::F;
    using I = typename L::I;
    using M = typename L::M;
    constexpr float kNever = 3.0e38f;
    const int other[2] = {a == 0 ? 1 : 0, a == 2 ? 1 : 2};

    const F inv_a = 1.0f / ray.dir[a];
    const M forward = ray.dir[a] > 0.0f;

    // First and last slab; positions are clamped first so the int conversion is safe for
    // lanes that missed (their tau interval is empty and they take zero steps). Forward the
    // first slab is floor(q_in); backward it is ceil(q_in) - 1 == -floor(-q_in) - 1.
    const float top_a = static_cast<float>(p.dims[a] - 1);
    const F qa_in = L::min(L::max(ray.source[a] + ray.tau_in * ray.dir[a], L::splat(-1.0f)),
                           L::splat(top_a + 2.0f));
    const F qa_out = L::min(L::max(ray.source[a] + ray.tau_out * ray.dir[a], L::splat(-1.0f)),
                            L::splat(top_a + 2.0f));
    // Rounding can put the entry or exit a hair outside the volume, naming a slab beyond its
    // face; the ray's piece there has zero length, so clamping to the volume loses nothing.
    const F first = L::min(
        L::max(L::select(forward, L::floor(qa_in), -L::floor(-qa_in) - 1.0f), L::splat(0.0f)),
        L::splat(top_a));
    const F last = L::min(
        L::max(L::select(forward, -L::floor(-qa_out) - 1.0f, L::floor(qa_out)), L::splat(0.0f)),
        L::splat(top_a));
    const F step_a = L::select(forward, L::splat(1.0f), L::splat(-1.0f));
    const F count =
        L::select(ray.hit, L::max((last - first) * step_a + 1.0f, L::splat(0.0f)), L::splat(0.0f));
    const I own_steps = L::to_int(count);
    const int32_t steps = L::max_lane(own_steps);
    // Slab s has index first + min(s, count - 1) * step: lanes that finish early stay on their
    // last slab (with zero length) instead of walking out of the volume.
    const I slab0 = L::to_int(first) * p.strides[a];
    const I slab_step = L::to_int(step_a) * p.strides[a];
    const I last_step = L::max_int(own_steps - 1, L::splat_int(0));

    // tau where the ray leaves slab s: exit0 + s * dtau.
    const F exit0 =
        (first + L::select(forward, L::splat(1.0f), L::splat(0.0f)) - ray.source[a]) * inv_a;
    const F dtau = L::abs(inv_a);

    // Per other axis: current cell, the tau of the next boundary, and what it takes to find the
    // boundary of a cell: the boundary is at q = cell + ahead, tau = (q - source) * inv.
    I cell[2], cell_step[2], offset[2];
    F next[2], ahead[2], inv[2];
    int32_t top[2];
    for (int o = 0; o < 2; ++o) {
        const int ax = other[o];
        top[o] = p.dims[ax] - 1;
        const F d = ray.dir[ax];
        const M up = d > 0.0f;
        const F q = L::min(L::max(ray.source[ax] + ray.tau_in * d, L::splat(-1.0f)),
                           L::splat(static_cast<float>(top[o]) + 2.0f));
        const F c = L::select(up, L::floor(q), -L::floor(-q) - 1.0f);
        inv[o] = 1.0f / d;
        ahead[o] = L::select(up, L::splat(1.0f), L::splat(0.0f));
        next[o] = L::select(d == 0.0f, L::splat(kNever), (c + ahead[o] - ray.source[ax]) * inv[o]);
        cell[o] = L::to_int(c);
        cell_step[o] = L::select_int(up, L::splat_int(1), L::splat_int(-1));
        offset[o] =
            L::min_int(L::max_int(cell[o], L::splat_int(0)), L::splat_int(top[o])) * p.strides[ax];
    }

    F ta = ray.tau_in;
    for (int32_t s = 0; s < steps; ++s) {
        // Lanes past their own last slab stand still, whatever the other lanes still need:
        // a ray's value must not depend on which pack computed it.
        const F tb =
            L::select(L::splat_int(s) < own_steps,
                      L::max(L::min(exit0 + static_cast<float>(s) * dtau, ray.tau_out), ta), ta);
        const I ka = slab0 + L::min_int(L::splat_int(s), last_step) * slab_step;
        // Rays that step across the volume's memory layout touch a new cache line per slab,
        // which the hardware prefetchers do not predict (gathers with a large stride).
        if (p.prefetch_slabs > 0) {
            L::prefetch(prefetch_base,
                        slab0 +
                            L::min_int(L::splat_int(s + p.prefetch_slabs), last_step) * slab_step +
                            offset[0] + offset[1]);
        }

        // A boundary whose tau falls before the slab's end is crossed inside the slab.
        F t_cross[2];
        I offset_next[2];
        for (int o = 0; o < 2; ++o) {
            const M crosses = next[o] < tb;
            t_cross[o] = L::select(crosses, L::max(next[o], ta), tb);
            cell[o] = cell[o] + L::select_int(crosses, cell_step[o], L::splat_int(0));
            const F beyond = (L::to_float(cell[o]) + ahead[o] - ray.source[other[o]]) * inv[o];
            // An axis the ray runs parallel to never crosses: its next stays kNever.
            next[o] = L::select(crosses, beyond, next[o]);
            offset_next[o] =
                L::min_int(L::max_int(cell[o], L::splat_int(0)), L::splat_int(top[o])) *
                p.strides[other[o]];
        }
        const M b_first = t_cross[0] <= t_cross[1];
        const F t1 = L::min(t_cross[0], t_cross[1]);
        const F t2 = L::max(t_cross[0], t_cross[1]);
        const M third = t2 < tb;  // both boundaries crossed: the piece after the second one
        visit(ka + offset[0] + offset[1],
              L::select_int(b_first, ka + offset_next[0] + offset[1],
                            ka + offset[0] + offset_next[1]),
              ka + offset_next[0] + offset_next[1], third, t1 - ta, t2 - t1, tb - t2);
        ta = tb;
        offset[0] = offset_next[0];
        offset[1] = offset_next[1];
    }
}

// Sums (value times length) or maxima (over pieces of positive length) of a volume along the
// walk. The sum is compensated (CompensatedSum), so a ray of a thousand voxels is as accurate as
// a short one.
template <class L>
struct SiddonGatherVisit {
    using F = typename L::F;
    using I = typename L::I;
    using M = typename L::M;
    const float* volume;
    bool mip;
    F peak;
    CompensatedSum<L> acc;

    RADON_HD void operator()(I i1, I i2, I i3, M third, F l1, F l2, F l3) {
        const F v1 = L::gather(volume, i1);
        const F v2 = L::gather(volume, i2);
        const F v3 = L::any(third) ? L::gather(volume, i3) : L::splat(0.0f);
        if (mip) {
            peak = L::max(peak, L::select(l1 > 0.0f, v1, peak));
            peak = L::max(peak, L::select(l2 > 0.0f, v2, peak));
            peak = L::max(peak, L::select(l3 > 0.0f, v3, peak));
        } else {
            acc.add(l1 * v1 + l2 * v2 + l3 * v3);
        }
    }
};

// The transpose of the sum: adds value times length to each piece's voxel, lane after lane (rays
// of a pack may cross the same voxel). `value_per_tau` is a ray's value times its length in mm
// (ray.mm), so a piece of dt in tau receives value_per_tau * dt. Pieces of zero length add
// nothing, so finished and missing lanes (value anything) write no voxel. The CT and PET back
// projections are this visitor.
template <class L, class Add>
struct SiddonScatterVisit {
    using F = typename L::F;
    using I = typename L::I;
    using M = typename L::M;
    float* volume;
    F value_per_tau;
    Add* add;

    RADON_HD void operator()(I i1, I i2, I i3, M third, F l1, F l2, F l3) {
        for (int l = 0; l < L::width; ++l) {
            const float v = L::lane(value_per_tau, l);
            const float a = L::lane(l1, l), b = L::lane(l2, l), c = L::lane(l3, l);
            if (a > 0.0f) (*add)(volume + L::lane_int(i1, l), v * a);
            if (b > 0.0f) (*add)(volume + L::lane_int(i2, l), v * b);
            if (L::lane_mask(third, l) && c > 0.0f) (*add)(volume + L::lane_int(i3, l), v * c);
        }
    }
};

// Exact radiological path (Siddon): the sum over voxels of voxel value times the length of the
// ray inside the voxel, or the maximum over the voxels the ray crosses.
template <class L>
RADON_HD typename L::F siddon_walk(const DrrRayParams& p, const float* volume,
                                   const ClippedRay<L>& ray, int a) {
    constexpr float kNever = 3.0e38f;
    SiddonGatherVisit<L> visit{volume, p.mip != 0, L::splat(-kNever), CompensatedSum<L>::zero()};
    siddon_pieces<L>(p, volume, ray, a, visit);
    if (p.mip) return L::select(visit.peak > -kNever, visit.peak, L::splat(0.0f));
    return visit.acc.total() * ray.mm;
}

}  // namespace radon
