#pragma once

#include <cstdint>
#include <string>

#include "kernels/core/hd.h"
#include "kernels/physics/unfused_multiply.h"

namespace radon {

// DiffDRR's CT "density", reproduced from DiffDRR 0.6.1 (diffdrr/data.py,
// transform_hu_to_density) so that a DRR here can be compared with one from DiffDRR pixel by
// pixel. DiffDRR splits the volume at -800 and 350 HU:
//   air          HU <= -800       d = the smallest soft-tissue HU of the volume
//   soft tissue  -800 < HU <= 350 d = HU
//   bone         HU > 350         d = HU * bone_attenuation_multiplier
// then normalises over the whole volume: density = (d - min d) / (max d - min d), in float32.
// DiffDRR integrates this density along each ray in millimetres, so it plays the part of an
// attenuation in 1/mm here. The scale depends on the whole volume, hence the struct below,
// filled by one pass over the volume (diffdrr_density_scale).
constexpr float kDiffDrrAirMaxHu = -800.0f;
constexpr float kDiffDrrBoneMinHu = 350.0f;

struct DiffDrrDensity {
    float bone_multiplier = 1.0f;  // DiffDRR's bone_attenuation_multiplier
    float soft_tissue_min = 0.0f;  // smallest HU in (-800, 350] over the volume
    float density_min = 0.0f;      // smallest d over the volume
    float density_range = 1.0f;    // largest d minus density_min, rounded to float as torch does
};

// d before normalisation.
RADON_HD float diffdrr_raw_density(float hu, float soft_tissue_min, float bone_multiplier) {
    if (hu <= kDiffDrrAirMaxHu) return soft_tissue_min;
    if (hu <= kDiffDrrBoneMinHu) return hu;
    return unfused_multiply(hu, bone_multiplier);
}

// torch subtracts the minimum from every voxel, then divides by the largest difference; the
// largest difference is max d - min d rounded once, because rounding is monotonic.
RADON_HD float diffdrr_density(float hu, const DiffDrrDensity& s) {
    return (diffdrr_raw_density(hu, s.soft_tissue_min, s.bone_multiplier) - s.density_min) /
           s.density_range;
}

// Throws InvalidArgument unless `multiplier` is finite and in [0, 100]; `what` names it.
void check_bone_multiplier(double multiplier,
                           const std::string& what = "bone attenuation multiplier");

// The scale of `count` HU values. Throws InvalidArgument, naming `what` (the volume), where
// DiffDRR itself would fail: no voxel in the soft-tissue range (torch's min of an empty
// selection) or a constant density (a division by zero).
DiffDrrDensity diffdrr_density_scale(const float* hu, int64_t count, float bone_multiplier,
                                     const std::string& what);

}  // namespace radon
