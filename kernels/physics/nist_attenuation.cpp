#include "kernels/physics/nist_attenuation.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {
namespace {

struct TablePoint {
    double kev;
    double water;  // cm^2/g
    double bone;   // cm^2/g, ICRU-44 cortical bone
};

// NIST SRD 126, Table 4: "Water, Liquid" and "Bone, Cortical (ICRU-44)", mu/rho column.
constexpr TablePoint kTable[] = {
    {20, 0.8096, 4.001},  {30, 0.3756, 1.331},  {40, 0.2683, 0.6655},  {50, 0.2269, 0.4242},
    {60, 0.2059, 0.3148}, {80, 0.1837, 0.2229}, {100, 0.1707, 0.1855}, {150, 0.1505, 0.1480},
};
constexpr int kPoints = sizeof(kTable) / sizeof(kTable[0]);

double log_log_interpolate(double kev, double TablePoint::*column) {
    check_effective_energy(kev);
    int i = 0;
    while (i + 2 < kPoints && kev > kTable[i + 1].kev)
        ++i;
    const TablePoint& a = kTable[i];
    const TablePoint& b = kTable[i + 1];
    if (kev == a.kev) return a.*column;
    if (kev == b.kev) return b.*column;
    const double t = std::log(kev / a.kev) / std::log(b.kev / a.kev);
    return std::exp(std::log(a.*column) + t * std::log(b.*column / a.*column));
}

}  // namespace

void check_effective_energy(double kev, const std::string& what) {
    if (!std::isfinite(kev) || kev < kMinEffectiveEnergyKev || kev > kMaxEffectiveEnergyKev) {
        std::ostringstream msg;
        msg << what << ": " << kev << " keV is outside the tabulated range ["
            << kMinEffectiveEnergyKev << ", " << kMaxEffectiveEnergyKev << "] keV";
        throw InvalidArgument(msg.str());
    }
}

double water_mass_attenuation(double kev) {
    return log_log_interpolate(kev, &TablePoint::water);
}

double cortical_bone_mass_attenuation(double kev) {
    return log_log_interpolate(kev, &TablePoint::bone);
}

double water_attenuation_per_mm(double kev) {
    return water_mass_attenuation(kev) * kWaterDensity / 10.0;
}

double cortical_bone_attenuation_per_mm(double kev) {
    return cortical_bone_mass_attenuation(kev) * kCorticalBoneDensity / 10.0;
}

}  // namespace radon
