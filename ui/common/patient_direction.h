#pragma once

#include <string>

#include "kernels/core/vec.h"

namespace radon::ui {

// The patient directions a world (LPS) direction points to, as radiology viewers label image
// edges: L or R for x, P or A for y, S or I for z, the strongest first, each axis named when the
// direction leans at least kPatientLetterShare towards it (about 12 degrees). (1, 0, 0) is "L";
// a column direction at LAO 30, (0.87, 0.5, 0), is "LP". Empty for a zero or non-finite vector.
std::string patient_direction_letters(Vec3 direction);

inline constexpr double kPatientLetterShare = 0.2;  // of the unit vector

}  // namespace radon::ui
