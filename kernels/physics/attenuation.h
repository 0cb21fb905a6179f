#pragma once

#include <math.h>

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/core/hd.h"
#include "kernels/physics/diffdrr_density.h"
#include "kernels/physics/unfused_multiply.h"

namespace radon {

// Linear attenuation of water at 60 keV, the default effective energy: mass attenuation
// 0.2059 cm^2/g (NIST XCOM) at 1 g/cm^3, in 1/mm.
constexpr double kWaterAttenuation60keV = 0.02059;
constexpr double kDefaultEffectiveEnergyKev = 60.0;

// The effective energy of the CT the HU were measured on, for the bilinear model's bone anchor:
// about 70 keV for a CT at 120 kVp.
constexpr double kCtEffectiveEnergyKev = 70.0;

// How CT numbers become linear attenuation (docs/PHYSICS.md gives every coefficient's source).
enum class AttenuationKind : int32_t {
    WaterLinear,     // mu = mu_water (1 + HU/1000)
    Bilinear,        // water-linear up to 0 HU, then a line through ICRU-44 cortical bone
    DiffDrrDensity,  // DiffDRR 0.6.1's normalised density, for side-by-side parity
};

// Everything the per-voxel conversion reads, as plain floats, so that the CPU loop and a CUDA
// kernel receive the same bytes.
struct AttenuationModel {
    AttenuationKind kind = AttenuationKind::WaterLinear;
    float mu_water = static_cast<float>(kWaterAttenuation60keV);  // 1/mm at the chosen energy
    float bone_slope = 0.0f;           // bilinear: 1/mm per HU above 0 HU
    float air_threshold = -HUGE_VALF;  // HU below which a voxel is air (0); -inf: no threshold
    DiffDrrDensity diffdrr;
};

// Water-linear model: mu = mu_water * (1 + HU / 1000). Anything below air (HU < -1000, such as
// the padding value of many scanners) is treated as air rather than as negative attenuation.
RADON_HD float hu_to_attenuation_water_linear(float hu, float mu_water) {
    const float mu = mu_water * (1.0f + hu / 1000.0f);
    return mu > 0.0f ? mu : 0.0f;
}

// Bilinear model: water-linear up to 0 HU; above, mu_water + HU * bone_slope, the line that
// reaches cortical bone's attenuation at the energy at cortical bone's CT number.
RADON_HD float hu_to_attenuation_bilinear(float hu, float mu_water, float bone_slope) {
    if (hu <= 0.0f) return hu_to_attenuation_water_linear(hu, mu_water);
    return mu_water + unfused_multiply(hu, bone_slope);
}

RADON_HD float hu_to_attenuation(float hu, const AttenuationModel& m) {
    if (hu < m.air_threshold) return 0.0f;
    switch (m.kind) {
        case AttenuationKind::Bilinear:
            return hu_to_attenuation_bilinear(hu, m.mu_water, m.bone_slope);
        case AttenuationKind::DiffDrrDensity:
            return diffdrr_density(hu, m.diffdrr);
        case AttenuationKind::WaterLinear:
        default:
            return hu_to_attenuation_water_linear(hu, m.mu_water);
    }
}

// What a user chooses; make_attenuation_model turns it into the numbers above. Unset values
// take their defaults (60 keV, no air threshold, a bone multiplier of 1).
struct AttenuationSpec {
    AttenuationKind kind = AttenuationKind::WaterLinear;
    std::optional<double> energy_kev;        // water and bilinear
    std::optional<double> mu_water;          // water only, 1/mm, instead of an energy
    std::optional<double> air_threshold_hu;  // every model
    std::optional<double> bone_multiplier;   // diffdrr only

    double effective_energy_kev() const { return energy_kev.value_or(kDefaultEffectiveEnergyKev); }
};

// How a front end names the spec's fields in messages (the CLI passes its option names).
struct AttenuationFieldNames {
    std::string kind = "attenuation model";
    std::string energy = "effective energy";
    std::string mu_water = "water attenuation";
    std::string air_threshold = "air threshold";
    std::string bone_multiplier = "bone attenuation multiplier";
};

// Throws InvalidArgument for a value out of range or a value the chosen model does not use.
void validate(const AttenuationSpec& spec, const AttenuationFieldNames& names = {});

// Range checks; each throws InvalidArgument naming the value with `what`.
void check_water_attenuation(double mu_per_mm, const std::string& what);  // (0, 1] /mm
void check_air_threshold(double hu, const std::string& what);  // finite, in [-32768, 65535]

// Cortical bone's CT number on a CT at kCtEffectiveEnergyKev: the bilinear model's bone anchor.
double bilinear_bone_anchor_hu();

// `hu` (count values) is read only for the DiffDRR mode, whose scale depends on the volume;
// `what` names the volume in its errors.
AttenuationModel make_attenuation_model(const AttenuationSpec& spec, const float* hu, int64_t count,
                                        const std::string& what);

// Converts a whole volume (OpenMP-parallel) with hu_to_attenuation.
void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count,
                               const AttenuationModel& model);
// The water-linear model with `mu_water` (1/mm) and no air threshold.
void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count, double mu_water);

AttenuationKind parse_attenuation_kind(const std::string& name);  // water | bilinear | diffdrr
const char* to_string(AttenuationKind kind);

}  // namespace radon
