#include "kernels/geometry/carm_pose.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/geometry/detector.h"

namespace radon {
namespace {

void require_finite(double value, const char* field) {
    if (!std::isfinite(value)) {
        throw InvalidArgument(std::string(field) + " is not a finite number");
    }
}

const EulerConvention& carm_convention() {
    static const EulerConvention zxy = EulerConvention::parse("ZXY");
    return zxy;
}

}  // namespace

void CArmPose::validate() const {
    require_finite(primary_deg, "primary angle");
    require_finite(secondary_deg, "secondary angle");
    require_finite(roll_deg, "roll");
    for (int i = 0; i < 3; ++i)
        require_finite(isocenter_offset[i], "isocenter offset");
    require_finite(sad, "SAD");
    require_finite(sdd, "SDD");
    if (sad <= 0) {
        std::ostringstream msg;
        msg << "SAD is " << sad << " mm, expected a source-to-isocenter distance > 0";
        throw InvalidArgument(msg.str());
    }
    if (sdd <= sad) {
        std::ostringstream msg;
        msg << "SDD (" << sdd << " mm) must be greater than SAD (" << sad
            << " mm): the detector lies beyond the isocenter";
        throw InvalidArgument(msg.str());
    }
}

void Detector::validate() const {
    if (height < 1 || width < 1) {
        std::ostringstream msg;
        msg << "detector is " << width << "x" << height
            << " pixels, expected a width and height of at least 1";
        throw InvalidArgument(msg.str());
    }
    if (!std::isfinite(delx) || delx <= 0 || !std::isfinite(dely) || dely <= 0) {
        std::ostringstream msg;
        msg << "detector pixel spacing is " << delx << " x " << dely
            << " mm, expected finite values > 0";
        throw InvalidArgument(msg.str());
    }
    if (!std::isfinite(principal_u) || !std::isfinite(principal_v)) {
        throw InvalidArgument("detector principal point offset is not finite");
    }
}

CArmPreset parse_carm_preset(const std::string& name) {
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (upper == "AP") return CArmPreset::AP;
    if (upper == "PA") return CArmPreset::PA;
    if (upper == "LAT-L") return CArmPreset::LatLeft;
    if (upper == "LAT-R") return CArmPreset::LatRight;
    throw InvalidArgument("unknown preset '" + name + "': expected AP, PA, LAT-L or LAT-R");
}

const char* to_string(CArmPreset preset) {
    switch (preset) {
        case CArmPreset::AP:
            return "AP";
        case CArmPreset::PA:
            return "PA";
        case CArmPreset::LatLeft:
            return "LAT-L";
        case CArmPreset::LatRight:
            return "LAT-R";
    }
    return "AP";
}

CArmPose preset_pose(CArmPreset preset, const CArmPose& distances_from) {
    CArmPose pose;
    pose.sad = distances_from.sad;
    pose.sdd = distances_from.sdd;
    switch (preset) {
        case CArmPreset::AP:
            pose.primary_deg = 0;
            break;
        case CArmPreset::PA:
            pose.primary_deg = 180;
            break;
        case CArmPreset::LatLeft:
            pose.primary_deg = 90;
            break;  // detector at patient's left
        case CArmPreset::LatRight:
            pose.primary_deg = -90;
            break;  // detector at patient's right
    }
    return pose;
}

RigidTransform carm_to_world(const CArmPose& pose, Vec3 default_isocenter) {
    RigidTransform t;
    t.rotation = euler_to_matrix(
        {deg_to_rad(pose.primary_deg), -deg_to_rad(pose.secondary_deg), -deg_to_rad(pose.roll_deg)},
        carm_convention());
    t.translation = default_isocenter + pose.isocenter_offset;
    return t;
}

CArmPose carm_from_world(const RigidTransform& transform, Vec3 default_isocenter, double sad,
                         double sdd) {
    const Vec3 angles = matrix_to_euler(transform.rotation, carm_convention());
    CArmPose pose;
    pose.primary_deg = rad_to_deg(angles[0]);
    pose.secondary_deg = -rad_to_deg(angles[1]);
    pose.roll_deg = -rad_to_deg(angles[2]);
    pose.isocenter_offset = transform.translation - default_isocenter;
    pose.sad = sad;
    pose.sdd = sdd;
    return pose;
}

}  // namespace radon
