#include "app/radon/pose_options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/geometry/diffdrr_pose.h"

namespace radon::cli {
namespace {

const std::vector<std::string> kCArmOptions = {"--preset", "--primary", "--secondary", "--roll",
                                               "--isocenter-offset"};
const std::vector<std::string> kRigidOptions = {"--rotation",   "--convention", "--quaternion",
                                                "--axis-angle", "--matrix",     "--translation"};
const std::vector<std::string> kRigidRotations = {"--rotation", "--quaternion", "--axis-angle",
                                                  "--matrix"};

// Geometry held to what an imaging system can be, with room to spare: far beyond these the ray
// arithmetic overflows and renders an image of NaN.
const Range kSad{0, 1e5, true, "source to isocenter distance", "mm"};
const Range kSdd{0, 1e5, true, "source to detector distance", "mm"};
const Range kDetectorPixels{1, 16384, false, "detector pixels", ""};
const Range kPixelSpacing{0, 100, true, "detector pixel spacing", "mm"};
const Range kPrincipal{-1e5, 1e5, false, "principal point offset", "mm"};
const Range kPosition{-1e6, 1e6, false, "position", "mm"};

const std::vector<std::string> kDiffDrrOptions = {
    "--diffdrr-rotation",       "--diffdrr-parameterization", "--diffdrr-convention",
    "--diffdrr-translation",    "--diffdrr-orientation",      "--diffdrr-center-volume",
    "--diffdrr-reverse-x-axis", "--diffdrr-principal"};

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

bool boolean(const Arguments& args, const std::string& name, bool fallback) {
    if (!args.has(name)) return fallback;
    std::string text = *args.value(name);
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (text == "true" || text == "1" || text == "yes") return true;
    if (text == "false" || text == "0" || text == "no") return false;
    throw InvalidArgument(name + ": '" + *args.value(name) + "' is not true or false");
}

// DRR(subject, sdd, height, delx, width, dely, x0, y0, reverse_x_axis): radon's own detector
// options carry sdd, height, width, delx and dely with DiffDRR's meaning and defaults.
DiffDrrDetector diffdrr_detector_from_arguments(const Arguments& args) {
    DiffDrrDetector d;
    d.sdd = args.number_in("--sdd", 1020.0, kSdd);
    d.height = args.integer_in("--height", 200, kDetectorPixels);
    d.width = args.integer_in("--width", d.height, kDetectorPixels);
    d.delx = args.number_in("--delx", 2.0, kPixelSpacing);
    d.dely = args.number_in("--dely", d.delx, kPixelSpacing);
    if (args.has("--diffdrr-principal")) {
        const auto p = args.numbers_in("--diffdrr-principal", 2, kPrincipal);
        d.x0 = p[0];
        d.y0 = p[1];
    }
    d.reverse_x_axis = boolean(args, "--diffdrr-reverse-x-axis", true);
    d.validate();
    return d;
}

// drr(rotation, translation, parameterization=..., convention=...) with angles in degrees, and
// read(..., orientation=..., center_volume=...).
DiffDrrPose diffdrr_pose_from_arguments(const Arguments& args) {
    if (!args.has("--diffdrr-rotation")) {
        throw InvalidArgument(
            "a DiffDRR pose needs --diffdrr-rotation (the rotation given to drr(...)), in the "
            "parameterization --diffdrr-parameterization names");
    }
    const std::string parameterization = args.text("--diffdrr-parameterization", "euler_angles");
    if (args.has("--diffdrr-convention") && parameterization != "euler_angles") {
        throw InvalidArgument("--diffdrr-convention applies to euler_angles only, not to " +
                              parameterization);
    }
    DiffDrrPose pose;
    if (parameterization == "matrix") {
        if (args.has("--diffdrr-translation")) {
            throw InvalidArgument(
                "--diffdrr-parameterization matrix carries its own translation (DiffDRR ignores "
                "the translation argument then); drop --diffdrr-translation");
        }
        const auto m = args.numbers("--diffdrr-rotation", 16);
        std::array<double, 16> a{};
        std::copy(m.begin(), m.end(), a.begin());
        pose = diffdrr_pose_from_matrix(from_matrix4(a));
    } else {
        if (parameterization == "euler_angles") {
            if (!args.has("--diffdrr-convention")) {
                throw InvalidArgument(
                    "--diffdrr-parameterization euler_angles needs --diffdrr-convention (DiffDRR "
                    "has no default): give the convention of the drr(...) call, e.g. ZXY");
            }
            const auto a = args.numbers("--diffdrr-rotation", 3);
            pose.rotation =
                euler_to_matrix(deg_to_rad(1.0) * vec3(a),
                                EulerConvention::parse(*args.value("--diffdrr-convention")));
        } else if (parameterization == "axis_angle") {
            pose.rotation =
                axis_angle_to_matrix(deg_to_rad(1.0) * vec3(args.numbers("--diffdrr-rotation", 3)));
        } else if (parameterization == "quaternion") {
            const auto q = args.numbers("--diffdrr-rotation", 4);
            pose.rotation = quaternion_to_matrix({q[0], q[1], q[2], q[3]});
        } else {
            throw InvalidArgument(
                "--diffdrr-parameterization '" + parameterization +
                "' is not supported: expected euler_angles, axis_angle, quaternion or matrix "
                "(for another one, pass DiffDRR's convert(...).matrix as matrix)");
        }
        if (!args.has("--diffdrr-translation")) {
            throw InvalidArgument(
                "a DiffDRR pose needs --diffdrr-translation X,Y,Z (the translation given to "
                "drr(...), mm)");
        }
        pose.translation = vec3(args.numbers_in("--diffdrr-translation", 3, kPosition));
    }
    pose.orientation = parse_diffdrr_orientation(args.text("--diffdrr-orientation", "AP"));
    pose.center_volume = boolean(args, "--diffdrr-center-volume", true);
    return pose;
}

PoseChoice diffdrr_choice(const Arguments& args, Vec3 default_isocenter) {
    std::vector<std::string> others = kCArmOptions;
    others.insert(others.end(), kRigidOptions.begin(), kRigidOptions.end());
    const std::string other = given(args, others);
    if (!other.empty()) {
        throw InvalidArgument("give the pose either as a DiffDRR pose (--diffdrr-...) or as " +
                              other + ", not both");
    }
    if (args.has("--sad")) {
        throw InvalidArgument(
            "--sad does not apply to a DiffDRR pose: its source sits where --diffdrr-translation "
            "puts it");
    }
    if (args.has("--principal")) {
        throw InvalidArgument(
            "--principal does not apply to a DiffDRR pose: give DiffDRR's x0, y0 as "
            "--diffdrr-principal X0,Y0");
    }
    const DiffDrrDetector detector = diffdrr_detector_from_arguments(args);
    const DiffDrrPose pose = diffdrr_pose_from_arguments(args);
    const DiffDrrView view = diffdrr_view(pose, detector, default_isocenter);
    // The options are checked once before the volume is loaded, with the origin standing in
    // for its centre. A centred pose is placed relative to the centre, so the check holds then;
    // an uncentred one stays where the file puts the volume, known only once it is loaded.
    const bool volume_known = pose.center_volume || default_isocenter.x != 0 ||
                              default_isocenter.y != 0 || default_isocenter.z != 0;
    if (volume_known) view.check_source_clear_of_volume_center();
    PoseChoice choice;
    choice.carm_to_world = view.carm_to_world;
    choice.sad = view.sad;
    choice.sdd = view.sdd;
    choice.span = RaySpan::WholeLine;
    return choice;
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
    if (args.has("--translation")) {
        t.translation = vec3(args.numbers_in("--translation", 3, kPosition));
    }
    return t;
}

// The last guard for every way of giving a pose: rotations from huge angles, quaternions or
// matrices can still overflow into NaN, which would render an image of NaN and exit 0.
void check_finite_pose(const PoseChoice& choice, const std::string& options) {
    bool finite = std::isfinite(choice.sad) && std::isfinite(choice.sdd);
    for (int r = 0; r < 3; ++r) {
        finite = finite && std::isfinite(choice.carm_to_world.translation[r]);
        for (int c = 0; c < 3; ++c)
            finite = finite && std::isfinite(choice.carm_to_world.rotation.m[r][c]);
    }
    if (!finite) {
        throw InvalidArgument("the pose given by " + options +
                              " is not finite (values too large?): its rotation or position "
                              "overflows");
    }
    for (int r = 0; r < 3; ++r) {
        if (!kPosition.contains(choice.carm_to_world.translation[r])) {
            std::ostringstream msg;
            msg << "the pose given by " << options << " puts the isocenter at "
                << choice.carm_to_world.translation[r] << " mm along "
                << "xyz"[r] << ", expected within " << kPosition.high << " mm of the origin";
            throw InvalidArgument(msg.str());
        }
    }
}

}  // namespace

const std::vector<std::string>& pose_options() {
    static const std::vector<std::string> options = [] {
        std::vector<std::string> o = {
            "--preset",      "--primary",    "--secondary",  "--roll",       "--isocenter-offset",
            "--rotation",    "--convention", "--quaternion", "--axis-angle", "--matrix",
            "--translation", "--sad",        "--sdd"};
        o.insert(o.end(), kDiffDrrOptions.begin(), kDiffDrrOptions.end());
        return o;
    }();
    return options;
}

const std::vector<std::string>& detector_options() {
    static const std::vector<std::string> options = {"--height", "--width", "--delx", "--dely",
                                                     "--principal"};
    return options;
}

PoseChoice pose_from_arguments(const Arguments& args, Vec3 default_isocenter) {
    const std::string diffdrr_given = given(args, kDiffDrrOptions);
    if (!diffdrr_given.empty()) {
        const PoseChoice choice = diffdrr_choice(args, default_isocenter);
        check_finite_pose(choice, diffdrr_given);
        return choice;
    }
    PoseChoice choice;
    choice.sad = args.number_in("--sad", 850.0, kSad);
    choice.sdd = args.number_in("--sdd", 1020.0, kSdd);
    const std::string carm_given = given(args, kCArmOptions);
    const std::string rigid_given = given(args, kRigidOptions);
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
        check_finite_pose(choice, rigid_given);
        return choice;
    }
    CArmPose pose = args.has("--preset")
                        ? preset_pose(parse_carm_preset(*args.value("--preset")), distances)
                        : distances;
    pose.primary_deg = args.number("--primary", pose.primary_deg);
    pose.secondary_deg = args.number("--secondary", pose.secondary_deg);
    pose.roll_deg = args.number("--roll", pose.roll_deg);
    if (args.has("--isocenter-offset")) {
        pose.isocenter_offset = vec3(args.numbers_in("--isocenter-offset", 3, kPosition));
    }
    pose.validate();
    choice.carm = pose;
    choice.carm_to_world = carm_to_world(pose, default_isocenter);
    check_finite_pose(choice,
                      carm_given.empty() ? std::string("the default C-arm pose") : carm_given);
    return choice;
}

ProjectionGeometry pose_projection(const PoseChoice& pose, const Detector& detector) {
    ProjectionGeometry g = rigid_projection(pose.carm_to_world, pose.sad, pose.sdd, detector);
    g.span = pose.span;
    return g;
}

Detector detector_from_arguments(const Arguments& args) {
    Detector d;
    if (!given(args, kDiffDrrOptions).empty()) {
        d = diffdrr_detector(diffdrr_detector_from_arguments(args));
    } else {
        d.height = args.integer_in("--height", 200, kDetectorPixels);
        d.width = args.integer_in("--width", d.height, kDetectorPixels);
        d.delx = args.number_in("--delx", 2.0, kPixelSpacing);
        d.dely = args.number_in("--dely", d.delx, kPixelSpacing);
        if (args.has("--principal")) {
            const auto p = args.numbers_in("--principal", 2, kPrincipal);
            d.principal_u = p[0];
            d.principal_v = p[1];
        }
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
