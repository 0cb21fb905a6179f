#pragma once

#include "kernels/core/hd.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/ray_clip.h"

namespace radon {

// Exact radiological path (Siddon): the sum over voxels of voxel value times the length of the
// ray inside the voxel, or the maximum over the voxels the ray crosses.
//
// The walk goes slab by slab along the ray's dominant axis `a`, one cell per step. Within a slab
// the ray moves at most one cell along each other axis, so it crosses at most one cell boundary
// per axis and the slab splits into at most three pieces. Every lane of a SIMD pack therefore
// runs the same loop, and the result equals a classic Siddon walk up to float rounding.
// Each step starts where the previous one ended (same tau, same position, same cell), so the
// piece lengths telescope: a ray through a constant volume sums to its exact chord.
// Requires every lane to share the dominant axis.
template <class L>
RADON_HD typename L::F siddon_walk(const DrrRayParams& p, const float* volume,
                                   const ClippedRay<L>& ray, int a) {
    using F = typename L::F;
    using I = typename L::I;
    using M = typename L::M;
    const int b = a == 0 ? 1 : 0;
    const int c = a == 2 ? 1 : 2;

    const F inv_a = 1.0f / ray.dir[a];
    const F inv_b = 1.0f / ray.dir[b];
    const F inv_c = 1.0f / ray.dir[c];
    const M forward = ray.dir[a] > 0.0f;

    // First and last slab; positions are clamped first so the int conversion is safe for
    // lanes that missed (their tau interval is empty and they take zero steps).
    const float n_a = static_cast<float>(p.dims[a]);
    const F qa_in = L::min(L::max(ray.source[a] + ray.tau_in * ray.dir[a], L::splat(-1.0f)),
                           L::splat(n_a + 1.0f));
    const F qa_out = L::min(L::max(ray.source[a] + ray.tau_out * ray.dir[a], L::splat(-1.0f)),
                            L::splat(n_a + 1.0f));
    // Forward the first slab is floor(q_in); backward it is ceil(q_in) - 1 == -floor(-q_in) - 1.
    const F first_f = L::select(forward, L::floor(qa_in), -L::floor(-qa_in) - 1.0f);
    const F last_f = L::select(forward, -L::floor(-qa_out) - 1.0f, L::floor(qa_out));
    const F step_f = L::select(forward, L::splat(1.0f), L::splat(-1.0f));
    const F count_f = L::select(ray.hit, L::max((last_f - first_f) * step_f + 1.0f,
                                                L::splat(0.0f)),
                                L::splat(0.0f));
    const int32_t steps = L::max_lane(L::to_int(count_f));

    // tau where the ray leaves slab s: tau_exit0 + s * dtau.
    const F exit_face0 = first_f + L::select(forward, L::splat(1.0f), L::splat(0.0f));
    const F tau_exit0 = (exit_face0 - ray.source[a]) * inv_a;
    const F dtau = L::abs(inv_a);

    const float max_a = static_cast<float>(p.dims[a] - 1);
    const float max_b = static_cast<float>(p.dims[b] - 1);
    const float max_c = static_cast<float>(p.dims[c] - 1);
    const int32_t sa = p.strides[a], sb = p.strides[b], sc = p.strides[c];

    // Clamped to the volume (a guard against rounding at the faces) and scaled by the stride.
    auto offset = [](F cell, float top, int32_t stride) {
        return L::to_int(L::min(L::max(cell, L::splat(0.0f)), L::splat(top))) * stride;
    };

    F ta = ray.tau_in;
    F qb = ray.source[b] + ta * ray.dir[b];
    F qc = ray.source[c] + ta * ray.dir[c];
    F cb = L::floor(L::min(L::max(qb, L::splat(-1.0f)), L::splat(max_b + 2.0f)));
    F cc = L::floor(L::min(L::max(qc, L::splat(-1.0f)), L::splat(max_c + 2.0f)));
    I ob = offset(cb, max_b, sb);
    I oc = offset(cc, max_c, sc);

    F acc = L::splat(p.mip ? -3.0e38f : 0.0f);
    for (int32_t s = 0; s < steps; ++s) {
        const F fs = L::splat(static_cast<float>(s));
        const F tb = L::max(L::min(tau_exit0 + fs * dtau, ray.tau_out), ta);
        const I ka = offset(first_f + fs * step_f, max_a, sa);

        const F qb_next = ray.source[b] + tb * ray.dir[b];
        const F qc_next = ray.source[c] + tb * ray.dir[c];
        const F cb_next = L::floor(L::min(L::max(qb_next, L::splat(-1.0f)), L::splat(max_b + 2.0f)));
        const F cc_next = L::floor(L::min(L::max(qc_next, L::splat(-1.0f)), L::splat(max_c + 2.0f)));
        // A changed cell means the boundary between the two cells was crossed inside the slab.
        const F t_cross_b = L::select(
            cb_next != cb,
            L::min(L::max((L::max(cb, cb_next) - ray.source[b]) * inv_b, ta), tb), tb);
        const F t_cross_c = L::select(
            cc_next != cc,
            L::min(L::max((L::max(cc, cc_next) - ray.source[c]) * inv_c, ta), tb), tb);
        const I ob_next = offset(cb_next, max_b, sb);
        const I oc_next = offset(cc_next, max_c, sc);

        const M b_first = t_cross_b <= t_cross_c;
        const F t1 = L::min(t_cross_b, t_cross_c);
        const F t2 = L::max(t_cross_b, t_cross_c);
        const F v1 = L::gather(volume, ka + ob + oc);
        const F v2 = L::gather(volume, L::select_int(b_first, ka + ob_next + oc, ka + ob + oc_next));
        const M third = t2 < tb;  // both boundaries crossed: the piece after the second one
        const F v3 = L::any(third) ? L::gather(volume, ka + ob_next + oc_next) : L::splat(0.0f);
        const F l1 = t1 - ta, l2 = t2 - t1, l3 = tb - t2;
        if (p.mip) {
            acc = L::max(acc, L::select(l1 > 0.0f, v1, acc));
            acc = L::max(acc, L::select(l2 > 0.0f, v2, acc));
            acc = L::max(acc, L::select(l3 > 0.0f, v3, acc));
        } else {
            acc = acc + l1 * v1 + l2 * v2 + l3 * v3;
        }
        ta = tb;
        cb = cb_next;
        cc = cc_next;
        ob = ob_next;
        oc = oc_next;
    }
    if (p.mip) return L::select(acc > -3.0e38f, acc, L::splat(0.0f));
    return acc * ray.mm;
}

}  // namespace radon
