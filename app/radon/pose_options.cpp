#include "app/radon/pose_options.h"

#include <algorithm>

#include "kernels/core/error.h"

namespace radon::cli {
namespace {

const std::vector<std::string> kCArmOptions = {"--preset", "--primary", "--secondary", "--roll",
                                               "--isocenter-offset"};
const std::vector<std::string> kRigidRotations = {"--rotation", "--quaternion", "--axis-angle",
                                                  "--matrix"};

Vec3 vec3(const std::vector<double>& v) {
    return {v[0], v[1], v[2]};
}

std::string given(const Arguments& args, const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        if (args.has(n)) out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

RigidTransform rigid_from_arguments(const Arguments& args, Vec3 default_isocenter) {
    const std::string rotations = given(args, kRigidRotations);
    if (rotations.find(',') != std::string::npos) {
        throw InvalidArgument("give one rotation, not several (" + rotations + ")");
    }
    if (args.has("--convention") && !args.has("--rotation")) {
        throw InvalidArgument("--convention applies to --rotation (Euler angles) only");
    }
    RigidTransform t;
    t.translation = default_isocenter;
    if (args.has("--rotation")) {
        const auto a = args.numbers("--rotation", 3);
        const EulerConvention convention = EulerConvention::parse(args.text("--convention", "ZXY"));
        t.rotation =
            euler_to_matrix({deg_to_rad(a[0]), deg_to_rad(a[1]), deg_to_rad(a[2])}, convention);
    } else if (args.has("--quaternion")) {
        const auto q = args.numbers("--quaternion", 4);
        t.rotation = quaternion_to_matrix({q[0], q[1], q[2], q[3]});
    } else if (args.has("--axis-angle")) {
        t.rotation = axis_angle_to_matrix(deg_to_rad(1.0) * vec3(args.numbers("--axis-angle", 3)));
    } else if (args.has("--matrix")) {
        if (args.has("--translation")) {
            throw InvalidArgument("--matrix carries its own translation; drop --translation");
        }
        const auto m = args.numbers("--matrix", 16);
        std::array<double, 16> a{};
        std::copy(m.begin(), m.end(), a.begin());
        return from_matrix4(a);
    }
    if (args.has("--translation")) t.translation = vec3(args.numbers("--translation", 3));
    return t;
}

}  // namespace

const std::vector<std::string>& pose_options() {
    static const std::vector<std::string> options = {
        "--preset",      "--primary",    "--secondary",  "--roll",       "--isocenter-offset",
        "--rotation",    "--convention", "--quaternion", "--axis-angle", "--matrix",
        "--translation", "--sad",        "--sdd"};
    return options;
}

const std::vector<std::string>& detector_options() {
    static const std::vector<std::string> options = {"--height", "--width", "--delx", "--dely",
                                                     "--principal"};
    return options;
}

PoseChoice pose_from_arguments(const Arguments& args, Vec3 default_isocenter) {
    PoseChoice choice;
    choice.sad = args.number("--sad", 850.0);
    choice.sdd = args.number("--sdd", 1020.0);
    const std::string carm_given = given(args, kCArmOptions);
    const std::string rigid_given = given(args, {"--rotation", "--convention", "--quaternion",
                                                 "--axis-angle", "--matrix", "--translation"});
    if (!carm_given.empty() && !rigid_given.empty()) {
        throw InvalidArgument("give the pose either as C-arm angles (" + carm_given +
                              ") or as a rigid transform (" + rigid_given + "), not both");
    }
    CArmPose distances;
    distances.sad = choice.sad;
    distances.sdd = choice.sdd;
    distances.validate();

    if (!rigid_given.empty()) {
        choice.carm_to_world = rigid_from_arguments(args, default_isocenter);
        return choice;
    }
    CArmPose pose = args.has("--preset")
                        ? preset_pose(parse_carm_preset(*args.value("--preset")), distances)
                        : distances;
    pose.primary_deg = args.number("--primary", pose.primary_deg);
    pose.secondary_deg = args.number("--secondary", pose.secondary_deg);
    pose.roll_deg = args.number("--roll", pose.roll_deg);
    if (args.has("--isocenter-offset")) {
        pose.isocenter_offset = vec3(args.numbers("--isocenter-offset", 3));
    }
    pose.validate();
    choice.carm = pose;
    choice.carm_to_world = carm_to_world(pose, default_isocenter);
    return choice;
}

Detector detector_from_arguments(const Arguments& args) {
    Detector d;
    d.height = args.integer("--height", 200);
    d.width = args.integer("--width", d.height);
    d.delx = args.number("--delx", 2.0);
    d.dely = args.number("--dely", d.delx);
    if (args.has("--principal")) {
        const auto p = args.numbers("--principal", 2);
        d.principal_u = p[0];
        d.principal_v = p[1];
    }
    if (d.width > 16384 || d.height > 16384) {
        throw InvalidArgument("detector is " + std::to_string(d.width) + "x" +
                              std::to_string(d.height) +
                              " pixels, expected at most 16384 in each direction");
    }
    d.validate();
    return d;
}

}  // namespace radon::cli
