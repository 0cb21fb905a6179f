#pragma once

#include "kernels/core/hd.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/ray_clip.h"
#include "kernels/drr/siddon_walk.h"
#include "kernels/pet/pet_image_grid.h"

namespace radon::pet {

// The Siddon PET projector for one LOR: the exact length of the segment p1 -> p2 inside each
// voxel, walked by the DRR engine's own voxel walk (kernels/drr/siddon_walk.h). The LOR is
// handed to the walk as a one-pixel DRR whose source is p1 and whose pixel is p2, integrated
// over tau in [0, 1], so the walk, its clipping and its rounding are exactly the DRR's.
//     (A x)_lor = sum_v len_v x_v,   back projection: x_v += len_v y_lor.
RADON_HD DrrRayParams siddon_lor_params(const PetImageGrid& g, const float* p1, const float* p2) {
    DrrRayParams p;
    for (int a = 0; a < 3; ++a) {
        // Cell coordinates: voxel i fills [i, i + 1], so its centre origin + i * voxel is at i +
        // 0.5.
        p.q_source[a] = (p1[a] - g.origin_mm[a]) / g.voxel_mm[a] + 0.5f;
        p.q_to_first[a] = (p2[a] - p1[a]) / g.voxel_mm[a];
        p.q_col[a] = p.q_row[a] = 0.0f;
        p.mm_to_first[a] = p2[a] - p1[a];
        p.mm_col[a] = p.mm_row[a] = 0.0f;
        p.box_lo[a] = 0.0f;
        p.box_hi[a] = static_cast<float>(g.dims[a]);
        p.dims[a] = g.dims[a];
    }
    p.strides[0] = 1;
    p.strides[1] = g.dims[0];
    p.strides[2] = g.dims[0] * g.dims[1];
    p.tau_lo = 0.0f;
    p.tau_hi = 1.0f;
    p.step_mm = 0.0f;
    p.mip = 0;
    p.prefetch_slabs = 0;
    return p;
}

RADON_HD float siddon_lor_forward(const PetImageGrid& g, const float* image, const float* p1,
                                  const float* p2) {
    const DrrRayParams p = siddon_lor_params(g, p1, p2);
    const ClippedRay<ScalarLanes> ray = clip_ray<ScalarLanes>(p, 0.0f, 0.0f);
    if (!ray.hit) return 0.0f;
    return siddon_walk<ScalarLanes>(p, image, ray, dominant_axis<ScalarLanes>(ray));
}

template <class Add>
RADON_HD void siddon_lor_back(const PetImageGrid& g, float* image, const float* p1, const float* p2,
                              float value, Add& add) {
    if (value == 0.0f) return;
    const DrrRayParams p = siddon_lor_params(g, p1, p2);
    const ClippedRay<ScalarLanes> ray = clip_ray<ScalarLanes>(p, 0.0f, 0.0f);
    if (!ray.hit) return;
    SiddonScatterVisit<ScalarLanes, Add> visit{image, value * ray.mm, &add};
    siddon_pieces<ScalarLanes>(p, image, ray, dominant_axis<ScalarLanes>(ray), visit);
}

}  // namespace radon::pet
