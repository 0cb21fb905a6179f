#include "kernels/geometry/diffdrr_pose.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {
namespace {

// DiffDRR's world is RAS+ (torchio's), radon's LPS: x and y change sign.
const Mat3& ras_to_lps() {
    static const Mat3 m = Mat3::from_columns({-1, 0, 0}, {0, -1, 0}, {0, 0, 1});
    return m;
}

// The 3x3 part of read()'s `reorient` matrix. PA's is a reflection: it swaps y and z.
Mat3 reorientation(DiffDrrOrientation orientation) {
    switch (orientation) {
        case DiffDrrOrientation::AP:
            return Mat3::from_columns({1, 0, 0}, {0, 0, 1}, {0, -1, 0});
        case DiffDrrOrientation::PA:
            return Mat3::from_columns({1, 0, 0}, {0, 0, 1}, {0, 1, 0});
        case DiffDrrOrientation::None:
            break;
    }
    return Mat3::identity();
}

// DiffDRR's camera has the source at its origin and the panel in the plane z = sdd; pixel
// (col, row) sits at x = +-delx (col - (width - 1) / 2) + x0 (minus with reverse_x_axis),
// y = dely ((height - 1) / 2 - row) + y0. In camera coordinates radon's C-arm axes are therefore:
// columns along +-x, rows along -y, towards the source along -z. The columns are radon's C-arm
// frame written in camera coordinates.
Mat3 carm_axes_in_camera(bool reverse_x_axis) {
    const double column_sign = reverse_x_axis ? -1.0 : 1.0;
    return Mat3::from_columns({column_sign, 0, 0}, {0, 0, -1}, {0, 1, 0});
}

Mat3 negated(const Mat3& m) {
    return Mat3::from_columns(-m.column(0), -m.column(1), -m.column(2));
}

void require_finite(double value, const char* what) {
    if (!std::isfinite(value)) {
        throw InvalidArgument(std::string("DiffDRR ") + what + " is not a finite number");
    }
}

}  // namespace

DiffDrrOrientation parse_diffdrr_orientation(const std::string& name) {
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (upper == "AP") return DiffDrrOrientation::AP;
    if (upper == "PA") return DiffDrrOrientation::PA;
    if (upper == "NONE") return DiffDrrOrientation::None;
    throw InvalidArgument("unknown DiffDRR orientation '" + name +
                          "': expected AP, PA or none (read(..., orientation=None))");
}

const char* to_string(DiffDrrOrientation orientation) {
    switch (orientation) {
        case DiffDrrOrientation::AP:
            return "AP";
        case DiffDrrOrientation::PA:
            return "PA";
        case DiffDrrOrientation::None:
            return "none";
    }
    return "AP";
}

void DiffDrrDetector::validate() const {
    require_finite(sdd, "sdd");
    require_finite(x0, "x0");
    require_finite(y0, "y0");
    if (sdd <= 0) {
        std::ostringstream msg;
        msg << "DiffDRR sdd is " << sdd << " mm, expected a source-to-detector distance > 0";
        throw InvalidArgument(msg.str());
    }
    diffdrr_detector(*this).validate();
}

DiffDrrPose diffdrr_pose_from_matrix(const RigidTransform& camera_to_world) {
    DiffDrrPose pose;
    pose.rotation = camera_to_world.rotation;
    pose.translation = transpose(camera_to_world.rotation) * camera_to_world.translation;
    return pose;
}

Detector diffdrr_detector(const DiffDrrDetector& d) {
    Detector detector;
    detector.height = d.height;
    detector.width = d.width;
    detector.delx = d.delx;
    detector.dely = d.dely;
    // The panel centre sits at (x0, y0) from the principal point in camera coordinates; radon
    // measures the principal point from the panel centre along its column and row directions.
    detector.principal_u = d.reverse_x_axis ? d.x0 : -d.x0;
    detector.principal_v = d.y0;
    return detector;
}

DiffDrrView diffdrr_view(const DiffDrrPose& pose, const DiffDrrDetector& detector,
                         Vec3 volume_center) {
    detector.validate();
    if (!is_rotation(pose.rotation, 1e-6)) {
        throw InvalidArgument("DiffDRR rotation is not a rotation matrix (orthonormal, det +1)");
    }
    for (int i = 0; i < 3; ++i)
        require_finite(pose.translation[i], "translation");

    // DiffDRR places a camera point x at R (reorient x + t) in its world, which is LPS up to the
    // sign of x and y and, with center_volume, a shift by the volume centre.
    const Mat3 camera_to_lps = ras_to_lps() * pose.rotation * reorientation(pose.orientation);
    const Vec3 world_offset = pose.center_volume ? volume_center : Vec3{0, 0, 0};
    const Vec3 source = ras_to_lps() * (pose.rotation * pose.translation) + world_offset;

    DiffDrrView view;
    view.sdd = detector.sdd;
    view.detector = diffdrr_detector(detector);
    Mat3 carm = camera_to_lps * carm_axes_in_camera(detector.reverse_x_axis);
    double sad = dot(volume_center - source, camera_to_lps.column(2));
    if (sad < 0) {
        carm = negated(carm);
        sad = -sad;
    }
    view.sad = sad;
    view.carm_to_world.rotation = carm;
    view.carm_to_world.translation = source - sad * carm.column(1);
    return view;
}

void DiffDrrView::check_source_clear_of_volume_center() const {
    // Relative to the distances involved, so that a volume centre level with the source is
    // caught whatever the scale.
    if (sad <= 1e-9 * sdd) {
        throw InvalidArgument(
            "DiffDRR pose puts the X-ray source level with the volume centre (no distance along "
            "the central ray): check the translation");
    }
}

ProjectionGeometry diffdrr_projection(const DiffDrrPose& pose, const DiffDrrDetector& detector,
                                      Vec3 volume_center) {
    const DiffDrrView view = diffdrr_view(pose, detector, volume_center);
    view.check_source_clear_of_volume_center();
    ProjectionGeometry g = rigid_projection(view.carm_to_world, view.sad, view.sdd, view.detector);
    g.span = RaySpan::WholeLine;
    return g;
}

}  // namespace radon
