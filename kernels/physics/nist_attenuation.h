#pragma once

#include <string>

namespace radon {

// Photon mass attenuation coefficients mu/rho (cm^2/g, total attenuation with coherent
// scattering) of liquid water and of cortical bone (ICRU Report 44), as NIST Standard Reference
// Database 126 (Hubbell and Seltzer, NISTIR 5632, Table 4) lists them from the XCOM cross
// sections. Between the tabulated energies (20, 30, 40, 50, 60, 80, 100 and 150 keV) values are
// interpolated linearly in log(mu/rho) against log(E), as NIST recommends for its tables away
// from absorption edges (none of water's or bone's edges lies in this range).
// docs/PHYSICS.md lists the table.

constexpr double kMinEffectiveEnergyKev = 20.0;
constexpr double kMaxEffectiveEnergyKev = 150.0;

// ICRU-44 cortical bone: 1.920 g/cm^3; by weight H 3.4 %, C 15.5 %, N 4.2 %, O 43.5 %,
// Na 0.1 %, Mg 0.2 %, P 10.3 %, S 0.3 %, Ca 22.5 % (NIST SRD 126, Table 2).
constexpr double kCorticalBoneDensity = 1.920;  // g/cm^3
constexpr double kWaterDensity = 1.0;           // g/cm^3

// Throws InvalidArgument unless `kev` is a finite energy inside the tabulated range; `what`
// names the value in the message (an option name in the CLI).
void check_effective_energy(double kev, const std::string& what = "effective energy");

double water_mass_attenuation(double kev);          // cm^2/g
double cortical_bone_mass_attenuation(double kev);  // cm^2/g

// Linear attenuation in 1/mm: mu/rho * rho / 10.
double water_attenuation_per_mm(double kev);
double cortical_bone_attenuation_per_mm(double kev);

}  // namespace radon
