#include "kernels/physics/diffdrr_density.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {

void check_bone_multiplier(double multiplier, const std::string& what) {
    if (!std::isfinite(multiplier) || multiplier < 0 || multiplier > 100) {
        std::ostringstream msg;
        msg << what << ": " << multiplier << " is not a multiplier in [0, 100]";
        throw InvalidArgument(msg.str());
    }
}

DiffDrrDensity diffdrr_density_scale(const float* hu, int64_t count, float bone_multiplier,
                                     const std::string& what) {
    check_bone_multiplier(bone_multiplier);
    constexpr float kHuge = std::numeric_limits<float>::infinity();
    // Air takes the soft-tissue minimum, which is known only after a first pass; the minimum
    // and maximum of the other voxels come from the same pass.
    float soft_min = kHuge, other_min = kHuge, other_max = -kHuge;
    int64_t air = 0;
#pragma omp parallel for reduction(min : soft_min, other_min) reduction(max : other_max) \
    reduction(+ : air) schedule(static)
    for (int64_t i = 0; i < count; ++i) {
        const float v = hu[i];
        if (v <= kDiffDrrAirMaxHu) {
            ++air;
            continue;
        }
        if (v <= kDiffDrrBoneMinHu) soft_min = std::fmin(soft_min, v);
        const float d = diffdrr_raw_density(v, 0.0f, bone_multiplier);
        other_min = std::fmin(other_min, d);
        other_max = std::fmax(other_max, d);
    }
    if (soft_min == kHuge) {
        throw InvalidArgument(what +
                              ": no voxel lies in DiffDRR's soft-tissue range (-800, 350] HU, "
                              "from which its density mode takes the value of air; use "
                              "--attenuation water or bilinear for this volume");
    }
    DiffDrrDensity s;
    s.bone_multiplier = bone_multiplier;
    s.soft_tissue_min = soft_min;
    s.density_min = air > 0 ? std::fmin(other_min, soft_min) : other_min;
    const float density_max = air > 0 ? std::fmax(other_max, soft_min) : other_max;
    s.density_range = density_max - s.density_min;
    if (!(s.density_range > 0.0f)) {
        throw InvalidArgument(what +
                              ": every voxel has the same DiffDRR density, which DiffDRR "
                              "normalises by dividing by zero; the volume has no contrast");
    }
    return s;
}

}  // namespace radon
