#include "kernels/physics/pet_attenuation.h"

#include <cmath>
#include <sstream>

namespace radon {

AttenuationModel pet_attenuation_model() {
    AttenuationModel m;
    m.kind = AttenuationKind::Bilinear;
    m.mu_water = static_cast<float>(kWaterAttenuation511keV);
    m.bone_slope = static_cast<float>((kCorticalBoneAttenuation511keV - kWaterAttenuation511keV) /
                                      bilinear_bone_anchor_hu());
    return m;
}

std::vector<float> attenuation_factors(const LinearOperator& line_integrals,
                                       const std::vector<float>& mu, const RunControl& control) {
    const int64_t n_in = line_integrals.in_shape().size();
    if (static_cast<int64_t>(mu.size()) != n_in) {
        throw InvalidArgument("attenuation factors: the mu-map has " + std::to_string(mu.size()) +
                              " voxels, but " + line_integrals.description() + " takes " +
                              std::to_string(n_in) + " (" + line_integrals.in_shape().to_string() +
                              ")");
    }
    for (std::size_t i = 0; i < mu.size(); ++i) {
        if (!(std::isfinite(mu[i]) && mu[i] >= 0.0f)) {
            std::ostringstream msg;
            msg << "attenuation factors: mu-map voxel " << i << " is " << mu[i]
                << " /mm, expected a finite attenuation >= 0";
            throw InvalidArgument(msg.str());
        }
    }
    std::vector<float> factors(static_cast<std::size_t>(line_integrals.out_shape().size()));
    line_integrals.apply(mu.data(), n_in, factors.data(), static_cast<int64_t>(factors.size()),
                         MemorySpace::Host, control);
    const int64_t n = static_cast<int64_t>(factors.size());
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
        factors[i] = attenuation_factor(factors[i]);
    return factors;
}

}  // namespace radon
