#pragma once

#include <string>

#include "kernels/core/vec.h"
#include "kernels/geometry/rotation.h"

namespace radon {

// A C-arm pose in the angiography convention (docs/CONVENTIONS.md has the pictures):
// - all angles zero is the AP position: detector anterior (above a supine patient), source
//   posterior, central ray from posterior to anterior;
// - primary angle: LAO positive, RAO negative, a rotation about the patient's S axis; at LAO 90
//   the detector faces the patient's left side;
// - secondary angle: CRAN positive, CAUD negative, a tilt about the patient's L axis that moves
//   the detector towards the head;
// - roll: the detector turns about the central ray, right-handed about the source-to-detector
//   direction.
// The isocenter is the default isocenter (the volume centre) plus `isocenter_offset` (LPS mm).
struct CArmPose {
    double primary_deg = 0;
    double secondary_deg = 0;
    double roll_deg = 0;
    Vec3 isocenter_offset{0, 0, 0};
    double sad = 850;   // source to isocenter, mm
    double sdd = 1020;  // source to detector, mm

    // Throws InvalidArgument when a value is not finite, SAD <= 0, or SDD <= SAD.
    void validate() const;
};

enum class CArmPreset { AP, PA, LatLeft, LatRight };

// "AP", "PA", "LAT-L", "LAT-R" (case-insensitive); throws InvalidArgument listing them.
CArmPreset parse_carm_preset(const std::string& name);
const char* to_string(CArmPreset preset);
// The preset's angles with zero roll and offset, keeping `distances_from`'s SAD and SDD.
CArmPose preset_pose(CArmPreset preset, const CArmPose& distances_from = {});

// The C-arm frame: its origin is the isocenter, and at the AP position its axes coincide with
// LPS. In it the source sits at (0, +SAD, 0), the detector centre at (0, SAD - SDD, 0), detector
// columns run along +x and rows along -z. A pose is the rigid transform from this frame to the
// world; the C-arm angles are its rotation as Euler "ZXY" angles (primary, -secondary, -roll).
RigidTransform carm_to_world(const CArmPose& pose, Vec3 default_isocenter);
CArmPose carm_from_world(const RigidTransform& transform, Vec3 default_isocenter, double sad,
                         double sdd);

// Unit vectors of the C-arm frame used above.
constexpr Vec3 kCArmSourceDirection{0, 1, 0};  // from the isocenter to the source
constexpr Vec3 kCArmColumnDirection{1, 0, 0};  // along a detector row, column index increasing
constexpr Vec3 kCArmRowDirection{0, 0, -1};    // down a detector column, row index increasing

}  // namespace radon
