#pragma once

#include <cstdint>

#include "kernels/core/hd.h"

namespace radon {

// Linear attenuation of water at 60 keV, the default effective energy: mass attenuation
// 0.2059 cm^2/g (NIST XCOM) at 1 g/cm^3, in 1/mm.
constexpr double kWaterAttenuation60keV = 0.02059;

// Water-linear model: mu = mu_water * (1 + HU / 1000). Anything below air (HU < -1000, such as
// the padding value of many scanners) is treated as air rather than as negative attenuation.
RADON_HD float hu_to_attenuation_water_linear(float hu, float mu_water) {
    const float mu = mu_water * (1.0f + hu / 1000.0f);
    return mu > 0.0f ? mu : 0.0f;
}

// Converts a whole volume with the water-linear model (OpenMP-parallel).
void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count, double mu_water);

}  // namespace radon
