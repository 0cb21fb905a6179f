#include "kernels/physics/attenuation.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/physics/nist_attenuation.h"

namespace radon {

void check_water_attenuation(double mu_per_mm, const std::string& what) {
    if (!std::isfinite(mu_per_mm) || mu_per_mm <= 0 || mu_per_mm > 1) {
        std::ostringstream msg;
        msg << what << ": " << mu_per_mm << " /mm is not a water attenuation in (0, 1] /mm";
        throw InvalidArgument(msg.str());
    }
}

void check_air_threshold(double hu, const std::string& what) {
    if (!std::isfinite(hu) || hu < -32768 || hu > 65535) {
        std::ostringstream msg;
        msg << what << ": " << hu << " HU is not a CT number in [-32768, 65535]";
        throw InvalidArgument(msg.str());
    }
}

void validate(const AttenuationSpec& spec, const AttenuationFieldNames& names) {
    const std::string model = to_string(spec.kind);
    if (spec.energy_kev) {
        if (spec.kind == AttenuationKind::DiffDrrDensity) {
            throw InvalidArgument(names.energy + " does not apply to " + names.kind +
                                  " diffdrr: DiffDRR's density does not depend on energy");
        }
        check_effective_energy(*spec.energy_kev, names.energy);
    }
    if (spec.mu_water) {
        if (spec.kind != AttenuationKind::WaterLinear) {
            throw InvalidArgument(names.mu_water + " applies to " + names.kind + " water only (" +
                                  model + " takes its coefficients from the energy)");
        }
        if (spec.energy_kev) {
            throw InvalidArgument("give " + names.energy + " or " + names.mu_water +
                                  ", not both: the water attenuation follows from the energy");
        }
        check_water_attenuation(*spec.mu_water, names.mu_water);
    }
    if (spec.air_threshold_hu) check_air_threshold(*spec.air_threshold_hu, names.air_threshold);
    if (spec.bone_multiplier) {
        if (spec.kind != AttenuationKind::DiffDrrDensity) {
            throw InvalidArgument(names.bone_multiplier + " applies to " + names.kind +
                                  " diffdrr only");
        }
        check_bone_multiplier(*spec.bone_multiplier, names.bone_multiplier);
    }
}

double bilinear_bone_anchor_hu() {
    return 1000.0 * (cortical_bone_attenuation_per_mm(kCtEffectiveEnergyKev) /
                         water_attenuation_per_mm(kCtEffectiveEnergyKev) -
                     1.0);
}

AttenuationModel make_attenuation_model(const AttenuationSpec& spec, const float* hu, int64_t count,
                                        const std::string& what) {
    validate(spec);
    AttenuationModel m;
    m.kind = spec.kind;
    if (spec.air_threshold_hu) m.air_threshold = static_cast<float>(*spec.air_threshold_hu);
    switch (spec.kind) {
        case AttenuationKind::WaterLinear:
            m.mu_water = static_cast<float>(
                spec.mu_water ? *spec.mu_water
                              : water_attenuation_per_mm(spec.effective_energy_kev()));
            break;
        case AttenuationKind::Bilinear: {
            const double water = water_attenuation_per_mm(spec.effective_energy_kev());
            const double bone = cortical_bone_attenuation_per_mm(spec.effective_energy_kev());
            m.mu_water = static_cast<float>(water);
            m.bone_slope = static_cast<float>((bone - water) / bilinear_bone_anchor_hu());
            break;
        }
        case AttenuationKind::DiffDrrDensity:
            m.mu_water = 0.0f;
            m.diffdrr = diffdrr_density_scale(
                hu, count, static_cast<float>(spec.bone_multiplier.value_or(1.0)), what);
            break;
    }
    return m;
}

namespace {

// The model's kind is chosen once, outside the loop, so that the loop over voxels vectorises:
// `model_of_kind` pins it and the compiler drops the other branches of hu_to_attenuation.
template <AttenuationKind kind>
void convert_voxels(const float* hu, float* mu, int64_t count, const AttenuationModel& model) {
    AttenuationModel model_of_kind = model;
    model_of_kind.kind = kind;
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < count; ++i)
        mu[i] = hu_to_attenuation(hu[i], model_of_kind);
}

}  // namespace

void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count,
                               const AttenuationModel& model) {
    switch (model.kind) {
        case AttenuationKind::Bilinear:
            return convert_voxels<AttenuationKind::Bilinear>(hu, mu, count, model);
        case AttenuationKind::DiffDrrDensity:
            return convert_voxels<AttenuationKind::DiffDrrDensity>(hu, mu, count, model);
        case AttenuationKind::WaterLinear:
        default:
            return convert_voxels<AttenuationKind::WaterLinear>(hu, mu, count, model);
    }
}

void convert_hu_to_attenuation(const float* hu, float* mu, int64_t count, double mu_water) {
    AttenuationModel model;
    model.mu_water = static_cast<float>(mu_water);
    convert_hu_to_attenuation(hu, mu, count, model);
}

AttenuationKind parse_attenuation_kind(const std::string& name) {
    if (name == "water") return AttenuationKind::WaterLinear;
    if (name == "bilinear") return AttenuationKind::Bilinear;
    if (name == "diffdrr") return AttenuationKind::DiffDrrDensity;
    throw InvalidArgument("unknown attenuation model '" + name +
                          "': expected water, bilinear or diffdrr");
}

const char* to_string(AttenuationKind kind) {
    switch (kind) {
        case AttenuationKind::Bilinear:
            return "bilinear";
        case AttenuationKind::DiffDrrDensity:
            return "diffdrr";
        case AttenuationKind::WaterLinear:
        default:
            return "water";
    }
}

}  // namespace radon
