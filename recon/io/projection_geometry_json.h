#pragma once

#include <optional>
#include <string>

#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/projection_geometry.h"

namespace radon::recon {

// Everything needed to use a DRR elsewhere (registration, training data), written as JSON next
// to the image: the ray geometry in world LPS mm, the 3x4 projection matrix, the pose that
// produced it and how the values were computed.
struct DrrRecord {
    ProjectionGeometry geometry;
    RigidTransform carm_to_world;  // the pose as a rigid transform of the C-arm frame
    std::optional<CArmPose> carm;  // the C-arm angles, when the pose was given that way
    double sad = 0, sdd = 0;
    double pixel_spacing[2] = {0, 0};  // delx, dely
    std::string volume;                // file name or phantom description
    DrrSettings settings;
    double water_attenuation = 0;  // 1/mm, for the HU -> attenuation conversion
};

std::string drr_record_json(const DrrRecord& record);

// Written atomically.
void write_drr_record(const DrrRecord& record, const std::string& path);

}  // namespace radon::recon
