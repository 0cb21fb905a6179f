#pragma once

// Helpers of the CPU engines that walk packs of rays (kernels/simd/lanes_pack.h): host only,
// included by the sources compiled once per instruction set.

#include "kernels/drr/ray_clip.h"

namespace radon {

// Turns lanes `valid` and above into misses: the last pack of a detector row is partly empty.
template <class Pack>
void keep_lanes(ClippedRay<Pack>& ray, int valid) {
    if (valid >= Pack::width) return;
    typename Pack::I lane_ok;
    for (int l = 0; l < Pack::width; ++l)
        lane_ok[l] = l < valid ? -1 : 0;
    ray.hit &= lane_ok;
    ray.tau_in = Pack::select(ray.hit, ray.tau_in, Pack::splat(0.0f));
    ray.tau_out = Pack::select(ray.hit, ray.tau_out, Pack::splat(0.0f));
}

// The dominant axis shared by every lane that hits, or -1 when lanes disagree (rays near a 45
// degree diagonal of the volume), as the Siddon walk of a pack requires; those rays are then
// walked one at a time, which gives the same per-ray values.
template <class Pack>
int shared_dominant_axis(const ClippedRay<Pack>& ray) {
    const typename Pack::I axis = dominant_axis<Pack>(ray);
    int shared = -1;
    for (int l = 0; l < Pack::width; ++l) {
        if (!ray.hit[l]) continue;
        if (shared < 0) shared = axis[l];
        if (axis[l] != shared) return -1;
    }
    return shared < 0 ? 0 : shared;
}

}  // namespace radon
