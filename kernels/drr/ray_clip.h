#pragma once

#include "kernels/core/hd.h"
#include "kernels/drr/drr_ray_params.h"

namespace radon {

// One ray (or a pack of rays) in cell coordinates: q(tau) = source + tau * dir, tau = 0 at the
// source and 1 at the pixel; [p.tau_lo, p.tau_hi] clipped to the params' box is [tau_in, tau_out].
// `mm` is the world length of the whole ray, so a tau interval dt is dt * mm millimetres.
template <class L>
struct ClippedRay {
    typename L::F source[3];
    typename L::F dir[3];
    typename L::F tau_in, tau_out;
    typename L::F mm;
    typename L::M hit;
};

// Clips the line q(tau) = r.source + tau * r.dir (set by the caller) to [p.tau_lo, p.tau_hi] and
// to [box_lo, box_hi] (closed: a ray lying in a face plane counts as inside). Missing lanes get
// tau_in = tau_out = 0 and hit false. Every ray setup below ends here.
template <class L>
RADON_HD void clip_to_box(const DrrRayParams& p, ClippedRay<L>& r) {
    using F = typename L::F;
    constexpr float kFar = 3.0e38f;
    F t0 = L::splat(p.tau_lo);
    F t1 = L::splat(p.tau_hi);
    for (int a = 0; a < 3; ++a) {
        const F inv = 1.0f / r.dir[a];
        const F ta = (p.box_lo[a] - r.source[a]) * inv;
        const F tb = (p.box_hi[a] - r.source[a]) * inv;
        // A ray parallel to this axis is inside the slab for all tau, or for none.
        const typename L::M inside =
            L::and_(r.source[a] >= p.box_lo[a], r.source[a] <= p.box_hi[a]);
        const typename L::M parallel = r.dir[a] == 0.0f;
        const F lo =
            L::select(parallel, L::select(inside, L::splat(-kFar), L::splat(kFar)), L::min(ta, tb));
        const F hi =
            L::select(parallel, L::select(inside, L::splat(kFar), L::splat(-kFar)), L::max(ta, tb));
        t0 = L::max(t0, lo);
        t1 = L::min(t1, hi);
    }
    r.hit = t0 < t1;
    r.tau_in = L::select(r.hit, t0, L::splat(0.0f));
    r.tau_out = L::select(r.hit, t1, L::splat(0.0f));
}

// Sets up the ray from the source through pixel (col, row) and clips it (clip_to_box).
template <class L>
RADON_HD ClippedRay<L> clip_ray(const DrrRayParams& p, typename L::F col, typename L::F row) {
    using F = typename L::F;
    ClippedRay<L> r;
    F mm2 = L::splat(0.0f);
    for (int a = 0; a < 3; ++a) {
        r.source[a] = L::splat(p.q_source[a]);
        r.dir[a] = p.q_to_first[a] + col * p.q_col[a] + row * p.q_row[a];
        const F w = p.mm_to_first[a] + col * p.mm_col[a] + row * p.mm_row[a];
        mm2 = mm2 + w * w;
    }
    r.mm = L::sqrt(mm2);
    clip_to_box<L>(p, r);
    return r;
}

// Parallel beams read the same params differently: every ray has the direction q_to_first (in
// world millimetres mm_to_first) and passes through its pixel centre q_source + col * q_col +
// row * q_row, so tau counts lengths of mm_to_first along the ray and tau = 0 is the pixel.
// Such params come from drr_ray_params with the first pixel centre as `source`, that centre plus
// the direction as `first_pixel`, and RaySpan::WholeLine (kernels/ct/ct_ray_setup.cpp).
template <class L>
RADON_HD ClippedRay<L> clip_parallel_ray(const DrrRayParams& p, typename L::F col,
                                         typename L::F row) {
    ClippedRay<L> r;
    float mm2 = 0.0f;
    for (int a = 0; a < 3; ++a) {
        r.source[a] = p.q_source[a] + col * p.q_col[a] + row * p.q_row[a];
        r.dir[a] = L::splat(p.q_to_first[a]);
        mm2 += p.mm_to_first[a] * p.mm_to_first[a];
    }
    r.mm = L::sqrt(L::splat(mm2));
    clip_to_box<L>(p, r);
    return r;
}

// The axis along which the ray advances fastest in cell units: stepping one cell along it moves
// at most one cell along the others, the property the slab walk relies on.
template <class L>
RADON_HD typename L::I dominant_axis(const ClippedRay<L>& r) {
    const auto ax = L::abs(r.dir[0]), ay = L::abs(r.dir[1]), az = L::abs(r.dir[2]);
    const auto x_wins = (ax >= ay) & (ax >= az);
    const auto y_wins = (ay >= az);
    return L::select_int(x_wins, L::splat_int(0),
                         L::select_int(y_wins, L::splat_int(1), L::splat_int(2)));
}

}  // namespace radon
