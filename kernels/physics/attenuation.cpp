#include "kernels/physics/attenuation.h"

namespace radon {

void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count, double mu_water) {
    const float mw = static_cast<float>(mu_water);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; ++i)
        mu[i] = hu_to_attenuation_water_linear(hu[i], mw);
}

}  // namespace radon
