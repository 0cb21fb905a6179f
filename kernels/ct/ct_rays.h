#pragma once

#include "kernels/core/hd.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/ray_clip.h"
#include "kernels/drr/siddon_walk.h"
#include "kernels/drr/trilinear_walk.h"

namespace radon {

// The per-ray code of the CT projector, shared by the CPU engine (scalar or SIMD lanes) and the
// CUDA kernels (one ray per thread). A view's rays share one DrrRayParams (ct_ray_setup.h): a
// cone-beam view is the DRR of its ProjectionGeometry, so its rays are the DRR renderer's; a
// parallel-beam view differs only in how a ray is set up (clip_parallel_ray). After the setup
// both walk the DRR engine's walks: forward projection gathers along them, back projection is
// the transpose, a scatter visitor of the very same walk, so A^T is exact.

// The clipped ray through pixel (col, row) of a view.
template <class L>
RADON_HD ClippedRay<L> ct_ray(const DrrRayParams& p, bool parallel, typename L::F col,
                              typename L::F row) {
    return parallel ? clip_parallel_ray<L>(p, col, row) : clip_ray<L>(p, col, row);
}

// The line integral along a clipped ray (or a pack of rays sharing the dominant axis `axis`).
template <class L>
RADON_HD typename L::F ct_ray_forward(const DrrRayParams& p, const float* volume,
                                      const ClippedRay<L>& ray, bool trilinear, int axis) {
    if (trilinear) return trilinear_walk<L>(p, volume, ray);
    return siddon_walk<L>(p, volume, ray, axis);
}

// Adds the back projection of `value` along a clipped ray (or a pack sharing `axis`) to volume.
template <class L, class Add>
RADON_HD void ct_ray_back(const DrrRayParams& p, float* volume, const ClippedRay<L>& ray,
                          bool trilinear, int axis, typename L::F value, Add& add) {
    if (trilinear) {
        TrilinearScatterVisit<L, Add> visit{p, volume, value * ray.mm, &add};
        trilinear_steps<L>(p, ray, visit);
        return;
    }
    SiddonScatterVisit<L, Add> visit{volume, value * ray.mm, &add};
    siddon_pieces<L>(p, volume, ray, axis, visit);
}

// One ray alone, set up, clipped and walked. The switch gives the walk a literal axis, so a GPU
// keeps the ray in registers instead of indexing arrays in local memory.
template <class L>
RADON_HD float ct_forward_one(const DrrRayParams& p, bool parallel, bool trilinear,
                              const float* volume, float col, float row) {
    const ClippedRay<L> ray = ct_ray<L>(p, parallel, col, row);
    if (!ray.hit) return 0.0f;
    if (trilinear) return ct_ray_forward<L>(p, volume, ray, true, 0);
    switch (dominant_axis<L>(ray)) {
        case 0:
            return ct_ray_forward<L>(p, volume, ray, false, 0);
        case 1:
            return ct_ray_forward<L>(p, volume, ray, false, 1);
        default:
            return ct_ray_forward<L>(p, volume, ray, false, 2);
    }
}

template <class L, class Add>
RADON_HD void ct_back_one(const DrrRayParams& p, bool parallel, bool trilinear, float* volume,
                          float col, float row, float value, Add& add) {
    if (value == 0.0f) return;
    const ClippedRay<L> ray = ct_ray<L>(p, parallel, col, row);
    if (!ray.hit) return;
    if (trilinear) {
        ct_ray_back<L>(p, volume, ray, true, 0, value, add);
        return;
    }
    switch (dominant_axis<L>(ray)) {
        case 0:
            ct_ray_back<L>(p, volume, ray, false, 0, value, add);
            break;
        case 1:
            ct_ray_back<L>(p, volume, ray, false, 1, value, add);
            break;
        default:
            ct_ray_back<L>(p, volume, ray, false, 2, value, add);
            break;
    }
}

}  // namespace radon
