#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/core/hd.h"

namespace radon {

// Lane policy for one ray per call: what a CUDA thread runs, and what the CPU falls back to.
// The per-ray algorithms are templates over a lane policy L so the same source handles one ray
// (float) or a SIMD pack of rays (see kernels/simd/lanes_pack.h) with identical arithmetic.
// A policy provides F (float lanes), I (int32 lanes), M (mask lanes) and the operations below.
struct ScalarLanes {
    using F = float;
    using I = int32_t;
    using M = bool;
    static constexpr int width = 1;

    RADON_HD static F splat(float v) { return v; }
    RADON_HD static I splat_int(int32_t v) { return v; }
    RADON_HD static F select(M m, F a, F b) { return m ? a : b; }
    RADON_HD static I select_int(M m, I a, I b) { return m ? a : b; }
    // min/max written as comparisons so a NaN operand yields the other operand, like the packs.
    RADON_HD static F min(F a, F b) { return a < b ? a : b; }
    RADON_HD static F max(F a, F b) { return a > b ? a : b; }
    RADON_HD static I min_int(I a, I b) { return a < b ? a : b; }
    RADON_HD static I max_int(I a, I b) { return a > b ? a : b; }
    RADON_HD static F abs(F a) { return fabsf(a); }
    RADON_HD static F sqrt(F a) { return sqrtf(a); }
    RADON_HD static F floor(F a) { return floorf(a); }
    // Callers clamp `a` to a small range first, so the conversion never overflows.
    RADON_HD static I to_int(F a) { return static_cast<I>(a); }
    RADON_HD static F to_float(I a) { return static_cast<F>(a); }
    // -1 where m holds, 0 elsewhere: adds or subtracts one cell without a branch.
    RADON_HD static I minus_one_where(M m) { return m ? -1 : 0; }
    RADON_HD static bool any(M m) { return m; }
    RADON_HD static int32_t max_lane(I a) { return a; }
    RADON_HD static M and_(M a, M b) { return a && b; }
    RADON_HD static M or_(M a, M b) { return a || b; }
    RADON_HD static M not_(M a) { return !a; }
    RADON_HD static F gather(const float* base, I index) { return base[index]; }
    // One lane's value: what scatters read, lane after lane.
    RADON_HD static float lane(F a, int) { return a; }
    RADON_HD static int32_t lane_int(I a, int) { return a; }
    RADON_HD static bool lane_mask(M a, int) { return a; }
    // The four floats from base + 4 * index (the voxel back projector's quads).
    RADON_HD static void gather_quad(const float* base, I index, F& a, F& b, F& c, F& d) {
        const float* q = base + 4 * static_cast<int64_t>(index);
        a = q[0];
        b = q[1];
        c = q[2];
        d = q[3];
    }
    // A GPU thread gains nothing from a software prefetch; its warps hide the latency.
    RADON_HD static void prefetch(const float*, I) {}
};

}  // namespace radon
