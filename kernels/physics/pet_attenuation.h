#pragma once

#include <math.h>

#include <cstdint>
#include <vector>

#include "kernels/core/hd.h"
#include "kernels/core/progress.h"
#include "kernels/operator/linear_operator.h"
#include "kernels/physics/attenuation.h"

namespace radon {

// Linear attenuation at 511 keV (annihilation photons), in 1/mm.
// Water: 0.0960 cm^2/g (NIST XCOM, "Water, Liquid", log-log between its 500 and 600 keV values
// 0.09687 and 0.08956 cm^2/g) at 1 g/cm^3. Cortical bone (ICRU-44, 1.92 g/cm^3): 0.172 /cm, the
// value of Kinahan et al., "X-ray-based attenuation correction for positron emission
// tomography/computed tomography scanners", Semin Nucl Med 33 (2003) 166-179.
constexpr double kWaterAttenuation511keV = 0.0096;
constexpr double kCorticalBoneAttenuation511keV = 0.0172;

// CT numbers to attenuation at 511 keV: the bilinear model of Burger et al., "PET attenuation
// coefficients from CT images: experimental evaluation of the transformation of CT into PET
// 511-keV attenuation coefficients", Eur J Nucl Med 29 (2002) 922-927 (after Kinahan et al.,
// Med Phys 25 (1998) 2046), with its break point at 0 HU:
//     HU <= 0:  mu = mu_water,511 (1 + HU/1000)            (air-water mixture), at least 0
//     HU >  0:  mu = mu_water,511 + HU (mu_bone,511 - mu_water,511) / HU_bone   (water-bone)
// HU_bone is cortical bone's CT number at the CT's effective energy, bilinear_bone_anchor_hu()
// (1594 HU at 70 keV, a 120 kVp CT): the same line the DRR's bilinear model draws, evaluated by
// the same hu_to_attenuation. The bone slope, 4.77e-6 /mm per HU, is near Carney et al.'s
// fitted 5.10e-6 /mm per HU for 120 kVp (Med Phys 33 (2006) 976-983).
AttenuationModel pet_attenuation_model();

// The survival probability of a photon pair along a line whose attenuation line integral is
// `line_integral` (dimensionless, int mu dl): exp(-int mu dl).
RADON_HD float attenuation_factor(float line_integral) {
    return expf(-line_integral);
}

// Attenuation factors exp(-int mu) of every output bin of `line_integrals`, a projector (its
// rows the lines, in mm) applied to the mu-map `mu` (1/mm, host memory, one value per input
// element, finite and >= 0). The forward model's per-bin factors are then a diagonal product
// with the same projector, not a second one. Throws InvalidArgument for a mu-map of the wrong
// size or with a negative or non-finite value (naming the voxel).
std::vector<float> attenuation_factors(const LinearOperator& line_integrals,
                                       const std::vector<float>& mu,
                                       const RunControl& control = {});

}  // namespace radon
